package wallet

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const crashEnv = "POLITY_WALLET_CRASH_CHILD"

// TestCrashDurability runs a child process that adds credentials in a loop
// and prints each id once its transaction has committed, kills it with
// SIGKILL at a random moment, then reopens the file: it must open, and every
// reported id must be there.
func TestCrashDurability(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	w, err := Create(ctx, path, pass, cheap)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDurability$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ids := make(chan string, 1<<16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "COMMITTED "); ok && len(id) == 32 {
				ids <- id
			}
		}
		close(ids)
	}()
	// Wait for the first commit, then let it run a random while.
	var reported []string
	select {
	case id, ok := <-ids:
		if !ok {
			t.Fatal("child exited before committing")
		}
		reported = append(reported, id)
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child did not start")
	}
	time.Sleep(time.Duration(100+rand.IntN(700)) * time.Millisecond)
	cmd.Process.Kill()
	for id := range ids {
		reported = append(reported, id)
	}
	cmd.Wait()

	w, err = Open(ctx, path, cheap)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer w.Close()
	if err := w.Unlock(ctx, pass); err != nil {
		t.Fatal(err)
	}
	for _, id := range reported {
		if _, err := w.Credential(ctx, id); err != nil {
			t.Fatalf("reported id %s: %v", id, err)
		}
	}
	t.Logf("%d committed ids survived the kill", len(reported))
}

func crashChild(path string) {
	ctx := context.Background()
	w, err := Open(ctx, path, &Options{LockTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if err := w.Unlock(ctx, pass); err != nil {
		os.Exit(3)
	}
	for i := 0; ; i++ {
		info, err := w.AddCredential(ctx, testVC(i, "CrashCredential", "did:example:i"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Fprintf(os.Stdout, "COMMITTED %s\n", info.ID)
	}
}
