package sybil_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/polity-id/polity/sybil"
)

func TestClusterMatchCoordinatedGetsLess(t *testing.T) {
	// Project "coordinated": four donors of 1 who are all in two identical
	// clusters. Project "spread": four donors of 1 with no shared cluster.
	// Plain QF matches both 12. COCM, by hand:
	//   coordinated: each |T_i| = 2 and every donor is connected to the
	//   other cluster, so S = 4 * sqrt(1)/2 = 2 both ways and the match is
	//   2 * sqrt(2) * sqrt(2) = 4;
	//   spread: singletons, so (1+1+1+1)^2 - 4 = 12.
	var ds []sybil.Donation
	members := []string{"did:ex:c1", "did:ex:c2", "did:ex:c3", "did:ex:c4"}
	for i, m := range members {
		ds = append(ds,
			sybil.Donation{Contributor: m, Project: "coordinated", Amount: 1},
			sybil.Donation{Contributor: fmt.Sprintf("did:ex:s%d", i), Project: "spread", Amount: 1})
	}
	clusters := map[string][]string{"dao": members, "discord": members}

	qf, err := sybil.QuadraticFunding(ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := sybil.ClusterMatch(ds, clusters, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q := matches(qf); q["coordinated"] != 12 || q["spread"] != 12 {
		t.Fatalf("QF = %v, want 12 and 12", q)
	}
	got := matches(cm)
	if !near(got["coordinated"], 4) || !near(got["spread"], 12) {
		t.Fatalf("COCM = %v, want coordinated 4, spread 12", got)
	}
	// With a pool the coordinated project gets a quarter of the pool.
	cm, err = sybil.ClusterMatch(ds, clusters, &sybil.FundingConfig{Pool: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := matches(cm); !near(got["coordinated"], 25) || !near(got["spread"], 75) {
		t.Fatalf("COCM with pool = %v, want 25 and 75", got)
	}
	p := cm.Projects[0]
	if p.Method != sybil.MethodClusterMatch || !hasPart(p.Explanation, sybil.PartCluster, "dao") ||
		len(p.Notes) == 0 || !strings.Contains(p.Notes[0], "12") {
		t.Fatalf("explanation = %+v", p.Explanation)
	}
}

func TestClusterMatchKnownAnswers(t *testing.T) {
	tests := []struct {
		name     string
		ds       map[string]float64 // contributor -> amount, one project
		clusters map[string][]string
		want     float64
	}{
		{
			// g1 = {a,b}, g2 = {b,c}; a=4, b=9, c=16. Every donor is
			// connected to both clusters through b:
			// S(g1,g2) = 2 + 3/2, S(g2,g1) = 3/2 + 4, match 2*sqrt(3.5*5.5).
			name:     "overlapping clusters",
			ds:       map[string]float64{"a": 4, "b": 9, "c": 16},
			clusters: map[string][]string{"g1": {"a", "b"}, "g2": {"b", "c"}},
			want:     8.774964387392123,
		},
		{
			name:     "one cluster gets no match",
			ds:       map[string]float64{"a": 4, "b": 9, "c": 16},
			clusters: map[string][]string{"g": {"a", "b", "c"}},
			want:     0,
		},
		{
			// g1 = {a}, g2 = {b} are unconnected: plain QF between them,
			// plus c unclustered: (2+3+4)^2 - 29 = 52.
			name:     "disjoint clusters equal QF",
			ds:       map[string]float64{"a": 4, "b": 9, "c": 16},
			clusters: map[string][]string{"g1": {"a"}, "g2": {"b"}},
			want:     52,
		},
		{
			// g1 = {a, x}, g2 = {x, b}: a and b are friends through x, who
			// does not donate. S(g1,g2) = sqrt(4), S(g2,g1) = sqrt(9);
			// match 2*sqrt(2)*sqrt(3).
			name:     "connection through a non-donor",
			ds:       map[string]float64{"a": 4, "b": 9},
			clusters: map[string][]string{"g1": {"a", "x"}, "g2": {"x", "b"}},
			want:     2 * 2.449489742783178,
		},
		{
			// a in g = {a, b}, c unclustered: S(g,{c}) = 4+9 = 13 (nobody
			// in g knows c), match 2*sqrt(13)*4.
			name:     "cluster and singleton",
			ds:       map[string]float64{"a": 4, "b": 9, "c": 16},
			clusters: map[string][]string{"g": {"a", "b"}},
			want:     8 * 3.605551275463989,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ds []sybil.Donation
			for c, a := range tt.ds {
				ds = append(ds, sybil.Donation{Contributor: c, Project: "p", Amount: a})
			}
			f, err := sybil.ClusterMatch(ds, tt.clusters, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Projects[0].Match; !near(got, tt.want) {
				t.Fatalf("match = %.15g, want %.15g; %+v", got, tt.want, f.Projects[0].Explanation)
			}
		})
	}
}

func TestClusterMatchWithoutClustersIsQF(t *testing.T) {
	ds := genDonations(2000, 300, 10, 5)
	cfg := &sybil.FundingConfig{Pool: 5000, ProjectCap: 900}
	qf, err := sybil.QuadraticFunding(ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := sybil.ClusterMatch(ds, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Declaring every contributor its own cluster changes nothing either.
	own := make(map[string][]string)
	for _, d := range ds {
		own["own:"+d.Contributor] = []string{d.Contributor}
	}
	cmOwn, err := sybil.ClusterMatch(ds, own, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := matches(qf), matches(cm), matches(cmOwn)
	for p := range a {
		if !near(a[p], b[p]) || !near(a[p], c[p]) {
			t.Errorf("%s: QF %v, COCM %v, COCM with own clusters %v", p, a[p], b[p], c[p])
		}
	}
}

func TestClusterMatchErrors(t *testing.T) {
	ds := []sybil.Donation{{Contributor: "did:ex:a", Project: "p", Amount: 1}}
	many := make(map[string][]string)
	for i := range 3 {
		many[fmt.Sprint(i)] = []string{"did:ex:a"}
	}
	tests := []struct {
		name     string
		clusters map[string][]string
		cfg      *sybil.FundingConfig
		want     error
	}{
		{"empty cluster name", map[string][]string{"": {"did:ex:a"}}, nil, sybil.ErrInvalidInput},
		{"empty member", map[string][]string{"g": {""}}, nil, sybil.ErrInvalidInput},
		{"too many clusters", many, &sybil.FundingConfig{MaxClusters: 2}, sybil.ErrTooLarge},
		{"too many memberships", many, &sybil.FundingConfig{MaxDonations: 2}, sybil.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := sybil.ClusterMatch(ds, tt.clusters, tt.cfg); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func BenchmarkClusterMatch10k(b *testing.B) {
	ds := genDonations(10_000, 10_000, 50, 1)
	clusters := make(map[string][]string)
	for i := range 5000 { // half the contributors in 100 clusters of 50
		k := fmt.Sprintf("g%d", i%100)
		clusters[k] = append(clusters[k], fmt.Sprintf("did:ex:c%d", i))
	}
	cfg := &sybil.FundingConfig{Pool: 100_000, ProjectCap: 5000}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sybil.ClusterMatch(ds, clusters, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
