package did

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxKeyFileBytes caps the size of a key file read by [ReadKeyFile].
const maxKeyFileBytes = 64 << 10

// WriteKeyFile writes key to path as a private JWK (JSON with "d", one line) with file
// mode 0600. If path exists, it fails with [ErrKeyFileExists] unless overwrite is true, in
// which case the file is replaced atomically (write to a temporary file, then rename).
func WriteKeyFile(path string, key *PrivateKey, overwrite bool) error {
	if key == nil {
		return fmt.Errorf("%w: nil private key", ErrInvalidKey)
	}
	data, err := json.Marshal(key.JWK())
	if err != nil {
		return fmt.Errorf("did: encoding key file: %w", err)
	}
	data = append(data, '\n')
	defer clear(data)
	if !overwrite {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%w: %s", ErrKeyFileExists, path)
			}
			return fmt.Errorf("did: writing key file: %w", err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			os.Remove(path)
			return fmt.Errorf("did: writing key file: %w", err)
		}
		return f.Close()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".polity-key-*")
	if err != nil {
		return fmt.Errorf("did: writing key file: %w", err)
	}
	name := tmp.Name()
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(data)
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(name, path)
		}
		if err == nil {
			return nil
		}
		os.Remove(name)
		return fmt.Errorf("did: writing key file: %w", err)
	}
	tmp.Close()
	os.Remove(name)
	return fmt.Errorf("did: writing key file: cannot set mode 0600")
}

// ReadKeyFile reads a private key written by [WriteKeyFile] (a private JWK). Files over
// 64 KiB give [ErrTooLarge]; malformed keys give [ErrInvalidKey].
func ReadKeyFile(path string) (*PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("did: reading key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("did: reading key file: %w", err)
	}
	defer clear(data)
	if len(data) > maxKeyFileBytes {
		return nil, fmt.Errorf("%w: key file over %d bytes", ErrTooLarge, maxKeyFileBytes)
	}
	k, err := ParsePrivateJWK(data)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}
