//go:build torture

package torture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// rawTarget is a target whose files the campaign reads as a person would,
// with the destination's own tools and not Avault's code: the local file
// system, the S3 SDK, the Drive fake's store. Paths are slash-separated
// and relative to the destination's root (the local folder, the S3
// prefix, the Drive folder).
type rawTarget interface {
	target
	// rawList returns the files below dir, at any depth, by path relative
	// to dir, each with a stamp that changes whenever the file is written
	// again or replaced. A missing dir holds nothing.
	rawList(dir string) (map[string]string, error)
	// rawRead returns the content of the file at p.
	rawRead(p string) ([]byte, error)
}

var errNoFile = errors.New("no such file at the destination")

// ---- local folder: the file system

func (l *localTarget) rawList(dir string) (map[string]string, error) {
	root := filepath.Join(l.dir, filepath.FromSlash(dir))
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil // the folder is not there, or a file moved away while listed
		case err != nil:
			return err
		case !d.Type().IsRegular():
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // moved away meanwhile
		}
		rel, _ := filepath.Rel(root, p)
		ino := uint64(0)
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			ino = st.Ino
		}
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%d %d %d", info.Size(), info.ModTime().UnixNano(), ino)
		return nil
	})
	return out, err
}

func (l *localTarget) rawRead(p string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(p)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", p, errNoFile)
	}
	return data, err
}

// ---- S3: the SDK, under the destination's prefix

const s3Base = "backups/nas/"

func (s *s3Target) rawList(dir string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	prefix := s3Base + dir + "/"
	out := map[string]string{}
	p := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{Bucket: aws.String(s.srv.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			if isFolderMarker(aws.ToString(o.Key), aws.ToInt64(o.Size)) {
				continue
			}
			out[strings.TrimPrefix(aws.ToString(o.Key), prefix)] = fmt.Sprintf("%d %s %d",
				aws.ToInt64(o.Size), aws.ToString(o.ETag), aws.ToTime(o.LastModified).UnixNano())
		}
	}
	return out, nil
}

// isFolderMarker reports whether an S3 object is a folder marker (a
// zero-byte "name/" object: a version's empty folder), which snapshots of
// files leave out; empty folders on S3 are checked by the engine's and the
// conformance suite's round trips.
func isFolderMarker(key string, size int64) bool { return size == 0 && strings.HasSuffix(key, "/") }

func (s *s3Target) rawRead(p string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.srv.Bucket), Key: aws.String(s3Base + p)})
	if err != nil {
		if strings.Contains(err.Error(), "NoSuchKey") || strings.Contains(err.Error(), "StatusCode: 404") {
			return nil, fmt.Errorf("%s: %w", p, errNoFile)
		}
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// ---- Google Drive: the fake's store, as the Drive web UI shows it

// folders returns the ids of the live folders at dir below the
// destination folder; Drive allows several of one name, and a person
// browsing sees them all.
func (d *driveTarget) folders(dir string) []string {
	ids := []string{d.folder()}
	if ids[0] == "" {
		return nil
	}
	if dir == "" {
		return ids
	}
	for _, name := range strings.Split(dir, "/") {
		var next []string
		for _, id := range ids {
			for _, it := range d.drive.Children(id) {
				if it.Name == name && !it.Trashed && it.MimeType == drivefake.FolderMime {
					next = append(next, it.ID)
				}
			}
		}
		ids = next
	}
	return ids
}

func (d *driveTarget) rawList(dir string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range d.folders(dir) {
		d.listInto(out, id, "")
	}
	return out, nil
}

// listInto adds the files below folder to out. Of several files of one
// name, the newest counts (Children lists the oldest first), as the newest
// upload is the one Drive's own "replace" leaves.
func (d *driveTarget) listInto(out map[string]string, folder, prefix string) {
	for _, it := range d.drive.Children(folder) {
		switch {
		case it.Trashed:
		case it.MimeType == drivefake.FolderMime:
			d.listInto(out, it.ID, prefix+it.Name+"/")
		default:
			out[prefix+it.Name] = fmt.Sprintf("%d %s %s", it.Size, it.ID, it.MD5)
		}
	}
}

// duplicates counts the paths below dir that name more than one live file.
func (d *driveTarget) duplicates(dir string) int {
	seen := map[string]int{}
	var walk func(folder, prefix string)
	walk = func(folder, prefix string) {
		for _, it := range d.drive.Children(folder) {
			switch {
			case it.Trashed:
			case it.MimeType == drivefake.FolderMime:
				walk(it.ID, prefix+it.Name+"/")
			default:
				seen[prefix+it.Name]++
			}
		}
	}
	for _, id := range d.folders(dir) {
		walk(id, "")
	}
	n := 0
	for _, c := range seen {
		if c > 1 {
			n++
		}
	}
	return n
}

func (d *driveTarget) rawRead(p string) ([]byte, error) {
	dir, name := "", p
	if i := strings.LastIndex(p, "/"); i >= 0 {
		dir, name = p[:i], p[i+1:]
	}
	found := ""
	for _, id := range d.folders(dir) {
		for _, it := range d.drive.Children(id) {
			if it.Name == name && !it.Trashed && it.MimeType != drivefake.FolderMime {
				found = it.ID // the newest of that name
			}
		}
	}
	if found == "" {
		return nil, fmt.Errorf("%s: %w", p, errNoFile)
	}
	data, ok := d.drive.Content(found)
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, errNoFile)
	}
	return data, nil
}
