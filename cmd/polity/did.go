package main

// runDID is not implemented yet.
func runDID(e *env, args []string) int {
	errorf(e, "polity did is not available in this build yet")
	return exitUsage
}
