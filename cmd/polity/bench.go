package main

// runBench is not implemented yet.
func runBench(e *env, args []string) int {
	errorf(e, "polity bench is not available in this build yet")
	return exitUsage
}
