package main

// runServe is not implemented yet.
func runServe(e *env, args []string) int {
	errorf(e, "polity serve is not available in this build yet")
	return exitUsage
}
