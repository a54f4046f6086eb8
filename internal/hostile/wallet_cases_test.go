package hostile

import (
	"bytes"
	"context"
	"testing"

	"github.com/polity-id/polity/wallet"
)

// cheapWallet keeps Argon2id fast in tests; the cost is recorded in the file.
var cheapWallet = &wallet.Options{KDF: wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, MaxKDFMemoryKiB: 128}

func init() {
	sentinels["wallet.ErrCorrupt"] = wallet.ErrCorrupt
	sentinels["wallet.ErrWrongPassphrase"] = wallet.ErrWrongPassphrase
	sentinels["wallet.ErrLimit"] = wallet.ErrLimit
}

// walletCases adds the wallet backup cases (random nonces: checked for presence only).
func walletCases(t testing.TB, add func(corpusCase, []byte), good []byte) {
	ctx := context.Background()
	src, err := wallet.CreateStore(ctx, wallet.NewMemStore(), backupPass, cheapWallet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddCredential(ctx, good); err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if err := src.Export(ctx, &backup, backupPass); err != nil {
		t.Fatal(err)
	}
	bk := backup.Bytes()
	add(corpusCase{Name: "control-backup", File: "wallet-backup.bin", API: "wallet.Import",
		Threat: "none: a valid backup", Random: true}, bk)
	add(corpusCase{Name: "wallet-backup-truncated", File: "wallet-backup-truncated.bin", API: "wallet.Import",
		Want: []string{"wallet.ErrWrongPassphrase"}, Random: true,
		Threat: "a backup cut short: one opaque AEAD failure, no oracle telling damage from a wrong passphrase"}, bk[:len(bk)-17])
	add(corpusCase{Name: "wallet-backup-header-only", File: "wallet-backup-header-only.bin", API: "wallet.Import",
		Want: []string{"wallet.ErrCorrupt"}, Threat: "a backup cut inside its header", Random: true}, bk[:12])
	flip := bytes.Clone(bk)
	flip[len(flip)/2] ^= 1
	add(corpusCase{Name: "wallet-backup-bitflip", File: "wallet-backup-bitflip.bin", API: "wallet.Import",
		Want: []string{"wallet.ErrWrongPassphrase"}, Random: true,
		Threat: "one bit of the ciphertext flipped: the same opaque AEAD failure"}, flip)
	add(corpusCase{Name: "wallet-backup-wrong-passphrase", File: "wallet-backup.bin", API: "wallet.ImportWrongPassphrase",
		Want: []string{"wallet.ErrWrongPassphrase"}, Threat: "a stolen backup opened with a guessed passphrase"}, nil)
}

func addWalletAPIs(t *testing.T, m map[string]func([]byte) error) {
	ctx := context.Background()
	importInto := func(pass []byte) func([]byte) error {
		return func(data []byte) error {
			w, err := wallet.CreateStore(ctx, wallet.NewMemStore(), []byte("the wallet's own passphrase"), cheapWallet)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			_, err = w.Import(ctx, bytes.NewReader(data), pass)
			return err
		}
	}
	m["wallet.Import"] = importInto(backupPass)
	m["wallet.ImportWrongPassphrase"] = importInto([]byte("a guessed passphrase"))
}
