package main

// runVote is not implemented yet.
func runVote(e *env, args []string) int {
	errorf(e, "polity vote is not available in this build yet")
	return exitUsage
}
