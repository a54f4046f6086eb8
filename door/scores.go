package door

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Caps of a scores file.
const (
	MaxScoreLineBytes = 4096
	MaxScores         = 1 << 20
)

// ReadScores reads a scores file: one "id score" pair a line (for example a DID
// and its Sybil score from package sybil), separated by spaces or tabs. Blank
// lines and text from '#' to the end of a line are ignored. A bad line, a
// repeated id, or a score that is not a finite number gives a *LineError
// wrapping ErrConfig.
func ReadScores(r io.Reader) (map[string]float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), MaxScoreLineBytes)
	out := map[string]float64{}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, &LineError{Line: n, Kind: ErrConfig, Err: errors.New("want \"id score\"")}
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, &LineError{Line: n, Kind: ErrConfig, Err: errors.New("score is not a finite number")}
		}
		if _, dup := out[f[0]]; dup {
			return nil, &LineError{Line: n, Kind: ErrConfig, Err: errors.New("repeated id")}
		}
		if len(out) >= MaxScores {
			return nil, &LineError{Line: n, Kind: ErrConfig, Err: ErrTooLarge}
		}
		out[f[0]] = v
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &LineError{Line: n + 1, Kind: ErrConfig, Err: ErrTooLarge}
		}
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return out, nil
}
