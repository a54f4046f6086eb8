package sybil

import (
	"fmt"
	"math"
	"slices"
)

// Caps for [ClusterMatch]. Work and memory per project grow with the
// square of the number of clusters its donors belong to (about 9 bytes per
// pair).
const (
	// DefaultMaxClusters caps the declared clusters when
	// FundingConfig.MaxClusters is zero.
	DefaultMaxClusters = 1024

	// MaxClusters is the hard cap on declared clusters; a larger
	// FundingConfig.MaxClusters is lowered to it.
	MaxClusters = 2048
)

// ClusterMatch computes matches with connection-oriented cluster match
// (COCM), from Miller, Weyl and Erichsen, "Beyond Collusion Resistance:
// Leveraging Social Information for Plural Funding and Voting" (2022). It is
// quadratic funding that treats each cluster of connected contributors,
// rather than each contributor, as the unit whose support is amplified, so
// a coordinated group gets less matching than the same money from
// unconnected people.
//
// clusters maps a cluster name to its members' DIDs: declared or observed
// groups such as communities, co-presence events, shared employers or
// funding-pattern clusters. A contributor may be in several clusters;
// members need not donate (they still connect others). A contributor in no
// cluster is its own singleton cluster, so with no clusters at all
// ClusterMatch equals [QuadraticFunding].
//
// For one project, let c_i be contributor i's eligible donation, T_i the
// clusters containing i, and K(i,h) = √c_i when i is in cluster h or shares
// a cluster with a member of h, else c_i (the connection discount). The raw
// match is the cross-cluster part of the paper's funding formula:
//
//	Σ_{g<h} 2 · √(Σ_{i∈g} K(i,h)/|T_i|) · √(Σ_{j∈h} K(j,g)/|T_j|)
//
// over unordered pairs of clusters holding the project's donors. Donations
// inside one cluster attract no match between themselves. Because K swaps
// c for √c, the discount bites only for amounts above 1: express amounts
// in a small unit (cents, not dollars). Scaling to the pool, caps and the
// gate are as in [FundingConfig].
//
// Each project's explanation has a "cluster" part per cluster (Value: the
// cluster's weighted donation Σ c_i/|T_i|; Detail: how many of its cross
// terms were discounted) and a note with the plain QF raw match for
// comparison. Errors wrap [ErrInvalidInput] or [ErrTooLarge].
func ClusterMatch(donations []Donation, clusters map[string][]string, cfg *FundingConfig) (*Funding, error) {
	r, err := newRound(donations, cfg)
	if err != nil {
		return nil, err
	}
	r.f.Method = MethodClusterMatch
	cs, err := newClusterSet(clusters, min(r.cfg.MaxClusters, MaxClusters), r.cfg.MaxDonations)
	if err != nil {
		return nil, err
	}
	for k := range r.projects {
		cs.match(&r.projects[k])
	}
	r.finish()
	return &r.f, nil
}

// clusterSet is the cluster structure shared by all projects.
type clusterSet struct {
	names   []string         // sorted
	groups  map[string][]int // member DID -> indexes of its clusters, ascending
	overlap [][]uint64       // overlap[g] has bit h set when g and h share a member (and g = h)
}

func newClusterSet(clusters map[string][]string, maxClusters, maxMembers int) (*clusterSet, error) {
	if len(clusters) > maxClusters {
		return nil, fmt.Errorf("%w: %d clusters, limit %d", ErrTooLarge, len(clusters), maxClusters)
	}
	cs := &clusterSet{groups: make(map[string][]int)}
	total := 0
	for name, members := range clusters {
		if name == "" {
			return nil, fmt.Errorf("%w: empty cluster name", ErrInvalidInput)
		}
		total += len(members)
		if total > maxMembers {
			return nil, fmt.Errorf("%w: more than %d cluster memberships", ErrTooLarge, maxMembers)
		}
		cs.names = append(cs.names, name)
	}
	slices.Sort(cs.names)
	words := (len(cs.names) + 63) / 64
	cs.overlap = make([][]uint64, len(cs.names))
	for g, name := range cs.names {
		cs.overlap[g] = make([]uint64, words)
		for _, m := range clusters[name] {
			if m == "" {
				return nil, fmt.Errorf("%w: cluster %q: empty member", ErrInvalidInput, name)
			}
			if t := cs.groups[m]; len(t) == 0 || t[len(t)-1] != g { // ignore repeats
				cs.groups[m] = append(t, g)
			}
		}
	}
	// Two clusters overlap when some member is in both.
	for _, t := range cs.groups {
		for _, g := range t {
			for _, h := range t {
				cs.overlap[g][h/64] |= 1 << (h % 64)
			}
		}
	}
	return cs, nil
}

// reach returns the set of clusters a member of clusters t is connected
// to: those it is in and those sharing a member with one of them.
func (cs *clusterSet) reach(t []int, buf []uint64) []uint64 {
	words := (len(cs.names) + 63) / 64
	buf = slices.Grow(buf[:0], words)[:words]
	clear(buf)
	for _, g := range t {
		for k, v := range cs.overlap[g] {
			buf[k] |= v
		}
	}
	return buf
}

// match sets the raw COCM match of one project and explains it.
func (cs *clusterSet) match(p *roundProject) {
	// Relevant clusters: those holding at least one of the donors.
	var rel []int
	var single []donor
	for _, d := range p.donors {
		if t := cs.groups[d.id]; len(t) > 0 {
			rel = append(rel, t...)
		} else {
			single = append(single, d)
		}
	}
	slices.Sort(rel)
	rel = slices.Compact(rel)
	pos := make(map[int]int, len(rel))
	for k, g := range rel {
		pos[g] = k
	}
	n := len(rel)
	w := make([]float64, n)   // Σ_{i∈g} c_i/|T_i|
	s := make([]float64, n*n) // s[g*n+h] = Σ_{i∈g} K(i,h)/|T_i|
	disc := make([]bool, n*n) // some donor of g is connected to h
	members := make([]int, n) // donors per cluster
	var qfSum, qfSq float64   // for the plain QF comparison
	var conn []uint64
	for _, d := range p.donors {
		root := math.Sqrt(d.amount)
		qfSum += root
		qfSq += root * root
		t := cs.groups[d.id]
		if len(t) == 0 {
			continue
		}
		share := float64(len(t))
		conn = cs.reach(t, conn)
		for _, g := range t {
			gi := pos[g]
			members[gi]++
			w[gi] += d.amount / share
			for hi, h := range rel {
				if hi == gi {
					continue
				}
				if conn[h/64]&(1<<(h%64)) != 0 {
					s[gi*n+hi] += root / share
					disc[gi*n+hi] = true
				} else {
					s[gi*n+hi] += d.amount / share
				}
			}
		}
	}
	var raw float64
	for gi := 0; gi < n; gi++ {
		for hi := gi + 1; hi < n; hi++ {
			raw += 2 * math.Sqrt(s[gi*n+hi]) * math.Sqrt(s[hi*n+gi])
		}
	}
	// Unclustered donors are singleton clusters connected to no one.
	var a, aSq, b float64
	for _, d := range single {
		root := math.Sqrt(d.amount)
		a += root
		aSq += root * root
		b += d.amount
	}
	if len(single) > 0 {
		for gi := 0; gi < n; gi++ {
			raw += 2 * a * math.Sqrt(w[gi])
		}
		raw += max(0, a*a-aSq)
	}
	for gi, g := range rel {
		k := 0
		for hi := 0; hi < n; hi++ {
			if disc[gi*n+hi] {
				k++
			}
		}
		p.out.add(PartCluster, cs.names[g], w[gi],
			fmt.Sprintf("%d donors; %d of %d cross-cluster terms discounted", members[gi], k, n-1+len(single)))
	}
	if len(single) > 0 {
		p.out.add(PartCluster, "", b, fmt.Sprintf("%d donors in no cluster, each its own", len(single)))
	}
	p.out.Raw = raw
	p.out.add(PartMatch, "", raw, "connection-oriented cluster match")
	p.out.note("plain quadratic funding raw match would be " + ff(max(0, qfSum*qfSum-qfSq)))
}
