package main

// runDoor is not implemented yet.
func runDoor(e *env, args []string) int {
	errorf(e, "polity door is not available in this build yet")
	return exitUsage
}
