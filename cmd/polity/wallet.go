package main

// runWallet is not implemented yet.
func runWallet(e *env, args []string) int {
	errorf(e, "polity wallet is not available in this build yet")
	return exitUsage
}
