package main

// runStatus is not implemented yet.
func runStatus(e *env, args []string) int {
	errorf(e, "polity status is not available in this build yet")
	return exitUsage
}
