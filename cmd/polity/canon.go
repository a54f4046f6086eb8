package main

// runCanon is not implemented yet.
func runCanon(e *env, args []string) int {
	errorf(e, "polity canon is not available in this build yet")
	return exitUsage
}
