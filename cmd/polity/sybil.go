package main

// runSybil is not implemented yet.
func runSybil(e *env, args []string) int {
	errorf(e, "polity sybil is not available in this build yet")
	return exitUsage
}
