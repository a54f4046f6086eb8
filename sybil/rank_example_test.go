package sybil_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/polity-id/polity/sybil"
)

func ExampleRank() {
	// Two triangles joined by one edge; alice is the trusted seed.
	edges := "alice bob\nbob carol\nalice carol\ncarol mallory\nmallory sybil1\nsybil1 sybil2\nmallory sybil2\n"
	g, err := sybil.ReadEdgeList(strings.NewReader(edges), nil)
	if err != nil {
		panic(err)
	}
	seeds, err := g.Nodes([]string{"alice"})
	if err != nil {
		panic(err)
	}
	r, err := sybil.Rank(context.Background(), g, seeds, &sybil.RankOptions{Method: sybil.MethodSybilRank})
	if err != nil {
		panic(err)
	}
	for i, s := range r.Scores {
		fmt.Printf("%s %.4f\n", g.ID(i), s)
	}
	// Output:
	// alice 0.0833
	// bob 0.1458
	// carol 0.1157
	// mallory 0.0278
	// sybil1 0.0278
	// sybil2 0.0278
}
