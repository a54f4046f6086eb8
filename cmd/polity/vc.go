package main

// runVC is not implemented yet.
func runVC(e *env, args []string) int {
	errorf(e, "polity vc is not available in this build yet")
	return exitUsage
}
