package service

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
)

func TestJobLayoutDefaultsAndFolders(t *testing.T) {
	s, nas := newTestService(t)
	local, _ := localJob(t, s, nas, 1)
	if local.Layout != job.LayoutFull || local.Folder != "" {
		t.Errorf("a new job on a local folder: layout %q folder %q, want FULL and no folder", local.Layout, local.Folder)
	}
	// Current + history asked for on a local folder: the folder comes from the name.
	local.Layout = job.LayoutCurrentHistory
	got, err := s.UpdateJob(local)
	if err != nil {
		t.Fatal(err)
	}
	if got.Folder != job.FolderFor(local.Name) {
		t.Errorf("folder = %q, want %q", got.Folder, job.FolderFor(local.Name))
	}
	// An edit that says nothing of the layout keeps it.
	got.Layout, got.Folder = "", ""
	if got, err = s.UpdateJob(got); err != nil || got.Layout != job.LayoutCurrentHistory || got.Folder == "" {
		t.Fatalf("edit without layout: %q %q %v", got.Layout, got.Folder, err)
	}
	// Two jobs whose names make the same folder name get two folders.
	var twins []job.Job
	for _, name := range []string{"Music: live", "music* live"} {
		tw := s.NewJobDefaults()
		tw.Name, tw.SourcePath, tw.DestinationID, tw.Layout = name, "photos", local.DestinationID, job.LayoutCurrentHistory
		if tw, err = s.CreateJob(tw); err != nil {
			t.Fatal(err)
		}
		twins = append(twins, tw)
	}
	if twins[0].Folder != "Music_ live" || twins[1].Folder != "music_ live (2)" {
		t.Errorf("folders %q and %q, want %q and %q", twins[0].Folder, twins[1].Folder, "Music_ live", "music_ live (2)")
	}
	twin := twins[1]
	twin.Folder = got.Folder
	if _, err := s.UpdateJob(twin); err == nil || !strings.Contains(err.Error(), "already keeps its versions") {
		t.Errorf("a folder another job uses must be refused, got %v", err)
	}
	bad := twin
	bad.Folder = "../escape"
	if _, err := s.UpdateJob(bad); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("a folder with a slash must be refused naming the field, got %v", err)
	}
	bad.Layout, bad.Folder = "DIFF", ""
	if _, err := s.UpdateJob(bad); err == nil || !strings.Contains(err.Error(), "layout") {
		t.Errorf("an unknown layout must be refused naming the field, got %v", err)
	}
}

func TestCurrentHistoryJobThroughTheService(t *testing.T) {
	s, nas := newTestService(t)
	ctx := context.Background()
	j, disk := localJob(t, s, nas, 5)
	j.Layout, j.RetentionCount = job.LayoutCurrentHistory, 2
	j, err := s.UpdateJob(j)
	if err != nil {
		t.Fatal(err)
	}
	var made []string
	for i := range 3 {
		if err := os.WriteFile(filepath.Join(nas, "photos", "changing.txt"), []byte(strings.Repeat("x", i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		run, err := s.RunJob(j.ID, job.TriggerManual)
		if err != nil {
			t.Fatal(err)
		}
		done := waitFinal(t, s, run.ID)
		if done.Status != job.StatusSuccess {
			t.Fatalf("run %d: %s %s", i, done.Status, done.ErrorMessage)
		}
		made = append(made, done.RemotePath)
	}
	if _, err := os.Stat(filepath.Join(disk, j.Folder, "current", "changing.txt")); err != nil {
		t.Fatalf("the current folder: %v", err)
	}
	vs, err := s.ListVersions(ctx, j.ID)
	if err != nil || len(vs) != 2 || vs[0].Name != made[2] {
		t.Fatalf("versions %v (%v), want the newest 2 of %v", vs, err, made)
	}
	use, err := s.JobStorage(ctx, j.ID)
	if err != nil || len(use.Versions) != 2 || use.Stored <= 0 {
		t.Fatalf("storage %+v, %v", use, err)
	}
	if use.Versions[0].Layout != manifest.LayoutCurrentHistory || use.Versions[0].Only != 3 {
		t.Errorf("the newest holds alone %d bytes (%s), want 3: its changing.txt", use.Versions[0].Only, use.Versions[0].Layout)
	}
	rep, err := s.VerifyVersion(ctx, j.ID, vs[1].Name, true, 0)
	if err != nil || !rep.OK() {
		t.Fatalf("deep verify of the older version: %+v %v", rep, err)
	}
	to := t.TempDir()
	if _, err := s.RestoreVersion(ctx, RestoreRequest{JobID: j.ID, Version: vs[1].Name, ToDir: to}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(to, "changing.txt")); err != nil || string(b) != "xx" {
		t.Errorf("restored changing.txt = %q, %v; want the second run's", b, err)
	}
	j.RetentionCount = 1
	pv, err := s.PreviewRetention(ctx, j)
	if err != nil || pv.Deleted != 1 || pv.Frees != 2 {
		t.Errorf("preview keep 1: deleted %d, frees %d (%v); want 1 and 2 bytes", pv.Deleted, pv.Frees, err)
	}
	j, _ = s.GetJob(j.ID)
	j.Folder = "Elsewhere"
	if _, err := s.UpdateJob(j); err == nil || !strings.Contains(err.Error(), "cannot change once the job has run") {
		t.Errorf("moving the folder of a job that ran must be refused, got %v", err)
	}
}
