package service

import (
	"fmt"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/store"
)

// TrendPoint is one finished run of a job, as the window's charts draw it.
type TrendPoint struct {
	RunID         string     `json:"runId"`
	StartedAt     time.Time  `json:"startedAt"`
	Status        job.Status `json:"status"`
	Seconds       float64    `json:"seconds"`
	BytesScanned  int64      `json:"bytesScanned"`
	BytesUploaded int64      `json:"bytesUploaded"`
	BytesCopied   int64      `json:"bytesCopied"`
	FilesFailed   int64      `json:"filesFailed"`
}

// TrendBucket counts the finished runs of one day or week by outcome.
type TrendBucket struct {
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Runs      int       `json:"runs"`
	Succeeded int       `json:"succeeded"`
	Partial   int       `json:"partial"`
	Failed    int       `json:"failed"`
	Cancelled int       `json:"cancelled"`
}

// JobTrend is a job's runs over a period, oldest first, and its success
// rate by day (30 days) or week (90 and 365 days).
type JobTrend struct {
	JobID   string        `json:"jobId"`
	Days    int           `json:"days"`
	Since   time.Time     `json:"since"`
	Points  []TrendPoint  `json:"points"`
	Buckets []TrendBucket `json:"buckets"`
}

// TrendDays are the periods the window offers.
var TrendDays = []int{30, 90, 365}

// JobTrend returns the finished runs of jobID that started in the last
// days days (30, 90 or 365), for charts of size, bytes sent, duration and
// success rate. Runs dated after now (made while the clock ran ahead) are
// left out, as are runs still going.
func (s *Service) JobTrend(jobID string, days int) (JobTrend, error) {
	switch days {
	case 30, 90, 365:
	default:
		return JobTrend{}, fmt.Errorf("charts cover 30, 90 or 365 days, not %d", days)
	}
	if _, err := s.store.GetJob(jobID); err != nil {
		return JobTrend{}, err
	}
	now := s.now()
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	width := 1
	if days > 30 {
		width = 7
	}
	since := today.AddDate(0, 0, -(days - 1))
	out := JobTrend{JobID: jobID, Days: days, Since: since, Points: []TrendPoint{}}
	for start := since; !start.After(today); start = start.AddDate(0, 0, width) {
		out.Buckets = append(out.Buckets, TrendBucket{Start: start, End: start.AddDate(0, 0, width)})
	}
	var newestFirst []job.Run
	for offset := 0; ; offset += 200 {
		page, err := s.store.ListRuns(store.HistoryFilter{JobID: jobID, Limit: 200, Offset: offset})
		if err != nil {
			return JobTrend{}, err
		}
		done := len(page.Items) < 200
		for _, r := range page.Items {
			if r.StartedAt.Before(since) {
				done = true
				break
			}
			if r.StartedAt.After(now) || !r.Status.IsFinal() || r.CompletedAt == nil {
				continue
			}
			newestFirst = append(newestFirst, r)
		}
		if done {
			break
		}
	}
	for i := len(newestFirst) - 1; i >= 0; i-- {
		r := newestFirst[i]
		out.Points = append(out.Points, TrendPoint{
			RunID: r.ID, StartedAt: r.StartedAt, Status: r.Status, Seconds: r.CompletedAt.Sub(r.StartedAt).Seconds(),
			BytesScanned: r.BytesScanned, BytesUploaded: r.BytesUploaded, BytesCopied: r.BytesCopied, FilesFailed: r.FilesFailed,
		})
		local := r.StartedAt.In(loc)
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
		i := int(day.Sub(since).Hours()/24+0.5) / width
		if i < 0 || i >= len(out.Buckets) {
			continue
		}
		b := &out.Buckets[i]
		b.Runs++
		switch r.Status {
		case job.StatusSuccess:
			b.Succeeded++
		case job.StatusPartialSuccess:
			b.Partial++
		case job.StatusFailed:
			b.Failed++
		case job.StatusCancelled:
			b.Cancelled++
		}
	}
	return out, nil
}
