package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const canonTestdata = "../../testdata/rdf-canon"

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = run(e, args)
	return code, out.String(), errOut.String()
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(canonTestdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCanonCommand(t *testing.T) {
	t.Run("nquads/test020", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "canon", filepath.Join(canonTestdata, "rdfc10/test020-in.nq"))
		if code != exitOK || out != readTestdata(t, "rdfc10/test020-rdfc10.nq") {
			t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
		}
	})
	t.Run("nquads/stdin-hash-sha256", func(t *testing.T) {
		code, out, errOut := runCLI(t, readTestdata(t, "rdfc10/test020-in.nq"), "canon", "--in", "nquads", "--hash", "sha256", "-")
		want := readTestdata(t, "rdfc10/test020-rdfc10.nq")
		sum := sha256.Sum256([]byte(want))
		if code != exitOK || out != want+hex.EncodeToString(sum[:])+"\n" {
			t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
		}
	})
	t.Run("nquads/test075c-sha384", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "canon", "--hash", "sha384", filepath.Join(canonTestdata, "rdfc10/test075-in.nq"))
		want := readTestdata(t, "rdfc10/test075-rdfc10.nq")
		sum := sha512.Sum384([]byte(want))
		if code != exitOK || out != want+hex.EncodeToString(sum[:])+"\n" {
			t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
		}
	})
	t.Run("json/eddsa-jcs-2022", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "canon", "--in", "json", filepath.Join(canonTestdata, "di/eddsa-unsigned.json"))
		if code != exitOK || out != readTestdata(t, "di/eddsa-jcs-2022-canonDoc.json")+"\n" {
			t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
		}
	})
	t.Run("jsonld/eddsa-rdfc-2022", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "canon", "--hash", "sha256", filepath.Join(canonTestdata, "di/eddsa-unsigned.json"))
		want := readTestdata(t, "di/eddsa-rdfc-2022-canonDoc.nq") + readTestdata(t, "di/eddsa-rdfc-2022-docHash.txt") + "\n"
		if code != exitOK || out != want {
			t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
		}
	})
	t.Run("poison/test074c", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "canon", filepath.Join(canonTestdata, "rdfc10/test074-in.nq"))
		if code != exitFailure || !strings.Contains(errOut, "polity: error:") {
			t.Fatalf("exit %d, stderr: %s", code, errOut)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no-file", []string{"canon"}, exitUsage},
		{"two-files", []string{"canon", "a", "b"}, exitUsage},
		{"bad-in", []string{"canon", "--in", "turtle", "x.ttl"}, exitUsage},
		{"bad-hash", []string{"canon", "--hash", "md5", "x.nq"}, exitUsage},
		{"bad-flag", []string{"canon", "--nope", "x.nq"}, exitUsage},
		{"missing-file", []string{"canon", filepath.Join(t.TempDir(), "missing.nq")}, exitFailure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.HasPrefix(errOut, "polity: error:") {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
		})
	}
	t.Run("syntax-error", func(t *testing.T) {
		code, _, errOut := runCLI(t, "<s> <p> <o> .\n", "canon", "--in", "nquads", "-")
		if code != exitFailure || !strings.Contains(errOut, "line 1") {
			t.Fatalf("exit %d, stderr: %s", code, errOut)
		}
	})
	t.Run("help", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "canon", "--help")
		if code != exitOK || !strings.HasPrefix(out, "Usage: polity canon") {
			t.Fatalf("exit %d, stdout: %s", code, out)
		}
	})
}
