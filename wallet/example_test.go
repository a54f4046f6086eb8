package wallet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/wallet"
	"github.com/polity-id/polity/wallet/query"
)

// A low Argon2id cost keeps the examples fast; use the defaults in real wallets.
var exampleOpts = &wallet.Options{KDF: wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}

const exampleVC = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","MemberCredential"],` +
	`"issuer":"did:example:club","validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:alice","role":"member"}}`

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "wallet-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "wallet.db")

	w, err := wallet.Create(ctx, path, []byte("passphrase"), exampleOpts)
	if err != nil {
		fmt.Println(err)
		return
	}
	info, _ := w.AddCredential(ctx, []byte(exampleVC), "club")
	w.Close()

	w, _ = wallet.Open(ctx, path, exampleOpts)
	defer w.Close()
	err = w.Unlock(ctx, []byte("guess"))
	fmt.Println(errors.Is(err, wallet.ErrWrongPassphrase))
	if err := w.Unlock(ctx, []byte("passphrase")); err != nil {
		fmt.Println(err)
		return
	}
	c, _ := w.Credential(ctx, info.ID)
	fmt.Println(c.Format, c.Types, c.Issuer, c.Tags)
	// Output:
	// true
	// ldp_vc [VerifiableCredential MemberCredential] did:example:club [club]
}

func ExampleWallet_Credentials() {
	ctx := context.Background()
	w, _ := wallet.CreateStore(ctx, wallet.NewMemStore(), []byte("passphrase"), exampleOpts)
	w.AddCredential(ctx, []byte(exampleVC))
	got, _ := w.Credentials(ctx, &wallet.Filter{Type: "MemberCredential", Issuer: "did:example:club"})
	fmt.Println(len(got), got[0].Subject)
	// Output: 1 did:example:alice
}

func ExampleWallet_MatchDCQL() {
	ctx := context.Background()
	w, _ := wallet.CreateStore(ctx, wallet.NewMemStore(), []byte("passphrase"), exampleOpts)
	info, _ := w.AddCredential(ctx, []byte(exampleVC))
	q, _ := query.ParseDCQL([]byte(`{"credentials":[{"id":"membership","format":"ldp_vc",
		"meta":{"type_values":[["MemberCredential"]]},
		"claims":[{"path":["credentialSubject","role"],"values":["member"]}]}]}`))
	res, err := w.MatchDCQL(ctx, q)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := res.Selected["membership"][0]
	fmt.Println(m.CredentialID == info.ID, query.PathString(m.Claims[0]))
	// Output: true ["credentialSubject","role"]
}

func ExampleWallet_Export() {
	ctx := context.Background()
	src, _ := wallet.CreateStore(ctx, wallet.NewMemStore(), []byte("passphrase"), exampleOpts)
	src.AddCredential(ctx, []byte(exampleVC))
	var backup bytes.Buffer
	src.Export(ctx, &backup, []byte("backup passphrase"))

	dst, _ := wallet.CreateStore(ctx, wallet.NewMemStore(), []byte("other"), exampleOpts)
	st, _ := dst.Import(ctx, bytes.NewReader(backup.Bytes()), []byte("backup passphrase"))
	fmt.Println(st.Added["credential"])
	st, _ = dst.Import(ctx, bytes.NewReader(backup.Bytes()), []byte("backup passphrase"))
	fmt.Println(st.Skipped["credential"])
	// Output:
	// 1
	// 1
}

func ExampleWallet_Present() {
	ctx := context.Background()
	issuer, _ := did.GenerateKey(did.KeyEd25519)
	holder, _ := did.GenerateKey(did.KeyEd25519)
	holderDID := key.New(holder.Public())
	cred, err := vc.Issue(ctx, []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],`+
		`"type":["VerifiableCredential"],"credentialSubject":{"id":"`+holderDID+`"}}`), issuer, vc.IssueOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}

	w, _ := wallet.CreateStore(ctx, wallet.NewMemStore(), []byte("passphrase"), exampleOpts)
	k, _ := w.AddPrivateKey(ctx, holder, holderDID, "me")
	c, _ := w.AddCredential(ctx, cred)
	// A nil Presenter means vc.Present: here a Data Integrity presentation.
	vp, err := w.Present(ctx, nil, &wallet.PresentRequest{
		KeyID: k.ID, Credentials: []string{c.ID}, Nonce: "a1b2c3", Audience: "https://door.example",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := vc.NewVerifier(vc.VerifierConfig{}).VerifyPresentation(ctx, vp,
		vc.PresentationOptions{Challenge: "a1b2c3", Domain: "https://door.example"})
	fmt.Println(res.Verified, err)
	// Output: true <nil>
}
