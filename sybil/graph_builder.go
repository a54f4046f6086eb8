package sybil

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Defaults of [GraphConfig].
const (
	DefaultEdgeHalfLife     = 180 * 24 * time.Hour // attestation weight halves every 180 days
	DefaultCoPresenceWindow = 2 * time.Hour        // check-ins this close at one place meet
	DefaultEdgeAttesterCap  = 50                   // total weight one attester may add
	DefaultMaxCoPresence    = 50                   // pairs one check-in may form
)

// GraphConfig configures a [Builder]. The zero value means the defaults.
type GraphConfig struct {
	// HalfLife is the time after which an attestation's weight halves:
	// an attestation made at t weighs 2^-((now-t)/HalfLife) at Build(now).
	// 0 means DefaultEdgeHalfLife; a negative value turns decay off.
	HalfLife time.Duration
	// CoPresenceWindow is how close in time two check-ins at one place
	// must be to count as meeting. 0 means DefaultCoPresenceWindow.
	CoPresenceWindow time.Duration
	// AttesterCap caps the total (decayed) weight one attester adds to the
	// graph; an attester over the cap has all its edges scaled down
	// proportionally, so one account cannot flood the graph. 0 means
	// DefaultEdgeAttesterCap.
	AttesterCap float64
	// MaxCoPresence caps the meetings one check-in forms (the nearest in
	// time win), bounding the work of crowded events. 0 means
	// DefaultMaxCoPresence.
	MaxCoPresence int
	// VouchWeight, CoPresenceWeight and ContributionWeight are the base
	// weights of each kind of attestation. 0 means 1, 0.5 and 0.5.
	VouchWeight, CoPresenceWeight, ContributionWeight float64
	// MaxNodes and MaxEdges cap the graph; 0 means DefaultMaxNodes and
	// DefaultMaxEdges.
	MaxNodes, MaxEdges int
}

// Builder collects attestations and turns them into a [Graph]. Ids are
// DIDs or any other non-empty strings. Trust flows both ways along an
// edge, so each attestation adds to an undirected edge between the two
// parties; who made it (the attester) is remembered for the per-attester
// cap. A Builder is not safe for concurrent use.
type Builder struct {
	cfg      GraphConfig
	att      []attestation
	checkins []checkIn
	err      error
}

type attestation struct {
	from, to string
	w        float64
	at       time.Time
}

type checkIn struct {
	member, place string
	at            time.Time
}

// NewBuilder returns a Builder with cfg; nil means the defaults.
func NewBuilder(cfg *GraphConfig) *Builder {
	b := &Builder{}
	if cfg != nil {
		b.cfg = *cfg
	}
	c := &b.cfg
	if c.HalfLife == 0 {
		c.HalfLife = DefaultEdgeHalfLife
	}
	if c.CoPresenceWindow <= 0 {
		c.CoPresenceWindow = DefaultCoPresenceWindow
	}
	if c.AttesterCap <= 0 {
		c.AttesterCap = DefaultEdgeAttesterCap
	}
	if c.MaxCoPresence <= 0 {
		c.MaxCoPresence = DefaultMaxCoPresence
	}
	if c.VouchWeight <= 0 {
		c.VouchWeight = 1
	}
	if c.CoPresenceWeight <= 0 {
		c.CoPresenceWeight = 0.5
	}
	if c.ContributionWeight <= 0 {
		c.ContributionWeight = 0.5
	}
	if c.MaxNodes <= 0 {
		c.MaxNodes = DefaultMaxNodes
	}
	if c.MaxEdges <= 0 {
		c.MaxEdges = DefaultMaxEdges
	}
	return b
}

func (b *Builder) add(kind, from, to string, w float64, at time.Time) {
	if b.err != nil {
		return
	}
	switch {
	case from == "" || to == "":
		b.err = fmt.Errorf("%w: %s with an empty id", ErrBadGraph, kind)
	case at.IsZero():
		b.err = fmt.Errorf("%w: %s %q -> %q has no time", ErrBadGraph, kind, from, to)
	case from == to:
		// A self-attestation carries no trust; ignore it.
	case len(b.att) >= b.cfg.MaxEdges:
		b.err = fmt.Errorf("%w: %w: more than %d attestations", ErrBadGraph, ErrTooLarge, b.cfg.MaxEdges)
	default:
		b.att = append(b.att, attestation{from, to, w, at})
	}
}

// Vouch records that from vouches for to at time at.
func (b *Builder) Vouch(from, to string, at time.Time) {
	b.add("vouch", from, to, b.cfg.VouchWeight, at)
}

// Contribution records that attester attests a contribution by subject at
// time at.
func (b *Builder) Contribution(attester, subject string, at time.Time) {
	b.add("contribution", attester, subject, b.cfg.ContributionWeight, at)
}

// CheckIn records that member was seen at place (a door, an event) at time
// at. Two members checked in at the same place within CoPresenceWindow of
// each other get a co-presence edge; each is the attester of half of it.
func (b *Builder) CheckIn(member, place string, at time.Time) {
	if b.err != nil {
		return
	}
	switch {
	case member == "" || place == "":
		b.err = fmt.Errorf("%w: check-in with an empty id", ErrBadGraph)
	case at.IsZero():
		b.err = fmt.Errorf("%w: check-in of %q has no time", ErrBadGraph, member)
	case len(b.checkins) >= b.cfg.MaxEdges:
		b.err = fmt.Errorf("%w: %w: more than %d check-ins", ErrBadGraph, ErrTooLarge, b.cfg.MaxEdges)
	default:
		b.checkins = append(b.checkins, checkIn{member, place, at})
	}
}

// Build returns the graph of all attestations as of now: each weight
// decayed by its age (future attestations count at full weight), then each
// attester's total capped at AttesterCap. Nodes are numbered in sorted id
// order, so the graph does not depend on the order of the calls. Build
// reports the first bad input given to the Builder, wrapping
// [ErrBadGraph]. The Builder may be used again afterwards.
func (b *Builder) Build(now time.Time) (*Graph, error) {
	if b.err != nil {
		return nil, b.err
	}
	c := &b.cfg
	decay := func(at time.Time) float64 {
		if c.HalfLife < 0 || !at.Before(now) {
			return 1
		}
		return math.Exp2(-float64(now.Sub(at)) / float64(c.HalfLife))
	}
	type half struct {
		attester, a, b string
		w              float64
	}
	var parts []half
	for _, a := range b.att {
		parts = append(parts, half{a.from, a.from, a.to, a.w * decay(a.at)})
	}
	// Co-presence: sort check-ins by place and time, pair those within the
	// window (nearest first, at most MaxCoPresence per check-in).
	ci := slices.Clone(b.checkins)
	slices.SortFunc(ci, func(x, y checkIn) int {
		return cmp.Or(cmp.Compare(x.place, y.place), x.at.Compare(y.at), cmp.Compare(x.member, y.member))
	})
	for i := range ci {
		formed := 0
		for j := i + 1; j < len(ci) && formed < c.MaxCoPresence; j++ {
			if ci[j].place != ci[i].place || ci[j].at.Sub(ci[i].at) > c.CoPresenceWindow {
				break
			}
			if ci[j].member == ci[i].member {
				continue
			}
			newer := ci[j].at
			w := c.CoPresenceWeight * decay(newer) / 2
			parts = append(parts, half{ci[i].member, ci[i].member, ci[j].member, w}, half{ci[j].member, ci[i].member, ci[j].member, w})
			formed++
			if len(parts) > 2*c.MaxEdges {
				return nil, fmt.Errorf("%w: %w: more than %d edges", ErrBadGraph, ErrTooLarge, c.MaxEdges)
			}
		}
	}
	// Per-attester cap.
	total := make(map[string]float64)
	for _, p := range parts {
		total[p.attester] += p.w
	}
	// Ids in sorted order.
	idset := make(map[string]struct{})
	for _, p := range parts {
		idset[p.a] = struct{}{}
		idset[p.b] = struct{}{}
	}
	names := make([]string, 0, len(idset))
	for id := range idset {
		names = append(names, id)
	}
	slices.Sort(names)
	if len(names) > c.MaxNodes {
		return nil, fmt.Errorf("%w: %w: more than %d nodes", ErrBadGraph, ErrTooLarge, c.MaxNodes)
	}
	index := make(map[string]int32, len(names))
	for i, id := range names {
		index[id] = int32(i)
	}
	in := csrInput{n: len(names)}
	for _, p := range parts {
		w := p.w
		if t := total[p.attester]; t > c.AttesterCap {
			w *= c.AttesterCap / t
		}
		if float32(w) <= 0 {
			continue // decayed to nothing
		}
		in.src = append(in.src, uint32(index[p.a]))
		in.dst = append(in.dst, uint32(index[p.b]))
		in.w = append(in.w, float32(w))
	}
	if in.w == nil {
		in.w = []float32{}
	}
	g := buildCSR(in)
	g.names, g.index = names, index
	return g, nil
}
