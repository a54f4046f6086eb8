package door_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/door"
	"github.com/polity-id/polity/sybil"
)

// Turn a door's check-in log into co-presence evidence for the Sybil graph.
func ExampleAddCheckIns() {
	log := `{"time":"2025-06-01T18:00:00Z","door":"did:web:commons.example:doors:main","holder":"did:key:alice","decision":"allow","types":["MembershipCredential"]}
{"time":"2025-06-01T18:20:00Z","door":"did:web:commons.example:doors:main","holder":"did:key:bob","decision":"allow","types":["MembershipCredential"]}
{"time":"2025-06-01T18:25:00Z","door":"did:web:commons.example:doors:main","decision":"deny","reasons":["REPLAYED"]}
`
	entries, err := door.ReadLog(strings.NewReader(log))
	if err != nil {
		fmt.Println(err)
		return
	}
	b := sybil.NewBuilder(nil)
	fmt.Println("check-ins used:", door.AddCheckIns(b, entries))
	g, err := b.Build(time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("members met at the door:", g.Len())
	// Output:
	// check-ins used: 2
	// members met at the door: 2
}
