package main

// runVP is not implemented yet.
func runVP(e *env, args []string) int {
	errorf(e, "polity vp is not available in this build yet")
	return exitUsage
}
