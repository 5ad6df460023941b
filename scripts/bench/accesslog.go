package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/avault/avault/backend/storage/s3/s3test"
)

// The kinds of request counted, in the order the tables show them.
const (
	reqPut    = iota // PutObject, UploadPart, Create- and CompleteMultipartUpload
	reqCopy          // CopyObject, UploadPartCopy
	reqGet           // GetObject
	reqHead          // HeadObject, HeadBucket
	reqList          // ListObjects(V2), ListParts, ListMultipartUploads, ListBuckets
	reqDelete        // DeleteObject(s), AbortMultipartUpload
	reqOther         // anything else (GetBucketLocation, ...)
	reqKinds
)

var reqNames = [reqKinds]string{"PUT", "COPY", "GET", "HEAD", "LIST", "DELETE", "other"}

// requests counts the requests of one run by kind.
type requests [reqKinds]int

func (r requests) total() int {
	n := 0
	for _, v := range r {
		n += v
	}
	return n
}

// classA is what S3 Standard bills at the PUT rate: PUT, COPY, POST, LIST.
func (r requests) classA() int { return r[reqPut] + r[reqCopy] + r[reqList] }

// classB is what it bills at the GET rate: GET, HEAD and all others.
// DELETE and the abort of a multipart upload are free.
func (r requests) classB() int { return r[reqGet] + r[reqHead] + r[reqOther] }

func (r requests) sub(o requests) requests {
	for i := range r {
		r[i] -= o[i]
	}
	return r
}

// reqKind maps versitygw's name of an S3 action to a kind.
func reqKind(action string) int {
	switch strings.TrimPrefix(action, "s3_") {
	case "PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload":
		return reqPut
	case "CopyObject", "UploadPartCopy":
		return reqCopy
	case "GetObject":
		return reqGet
	case "HeadObject", "HeadBucket":
		return reqHead
	case "ListObjectsV2", "ListObjects", "ListParts", "ListMultipartUploads", "ListAllMyBuckets", "ListObjectVersions":
		return reqList
	case "DeleteObject", "DeleteObjects", "AbortMultipartUpload":
		return reqDelete
	}
	return reqOther
}

// loggedServer is a second versitygw, like the first but writing an
// access log: one line per request it answered, with the S3 action
// (s3_PutObject, ...). Counting there rather than in a proxy costs the
// server a formatted line per request, and leaves the TLS connection
// between tool and server as it is. The first server, for the runs
// against rclone --copy-dest, has no log, so that its figures stay
// comparable with earlier ones.
type loggedServer struct {
	*s3test.Server
	log  string
	read int64 // bytes of the log already counted
}

// startLogged starts a versitygw over HTTPS with its objects in dir and
// its access log in dir/access.log.
func startLogged(bin, dir string) (*loggedServer, error) {
	log := filepath.Join(dir, "access.log")
	// s3test starts the server with this process's environment, and
	// versitygw reads --access-log from VGW_ACCESS_LOG.
	os.Setenv("VGW_ACCESS_LOG", log)
	defer os.Unsetenv("VGW_ACCESS_LOG")
	srv, err := s3test.StartServer(bin, dir, s3test.Options{TLS: true})
	if err != nil {
		return nil, err
	}
	s := &loggedServer{Server: srv, log: log}
	if _, err := s.counts(""); err != nil {
		srv.Stop()
		return nil, fmt.Errorf("the S3 server's access log: %w", err)
	}
	return s, nil
}

// counts returns the requests logged since the last call, and empties
// the log (versitygw appends, so it writes on at the new end). When keep
// is not empty, the lines are appended to that file first.
func (s *loggedServer) counts(keep string) (requests, error) {
	var r requests
	raw, err := os.ReadFile(s.log)
	if err != nil {
		return r, err
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if action, ok := logAction(sc.Bytes()); ok {
			r[reqKind(action)]++
		}
	}
	if err := sc.Err(); err != nil {
		return r, err
	}
	if keep != "" {
		f, err := os.OpenFile(keep, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return r, err
		}
		_, err = f.Write(raw)
		if err := errors.Join(err, f.Close()); err != nil {
			return r, err
		}
	}
	return r, os.Truncate(s.log, 0)
}

// logAction finds the action in an access log line: the first field
// that starts with "s3_" (the fields before it are the bucket's owner,
// the bucket, the time, the client's address, the access key and the
// request id).
func logAction(line []byte) (string, bool) {
	for _, f := range bytes.Fields(line) {
		if bytes.HasPrefix(f, []byte("s3_")) || bytes.Equal(f, []byte("ActionUnDetected")) {
			return string(f), true
		}
	}
	return "", false
}

// stored returns the bytes of the objects under prefix in the server's
// bucket: the sum of its files' sizes (versitygw's posix backend keeps
// each object as a file, its metadata in extended attributes).
func (s *loggedServer) stored(prefix string) (int64, error) {
	var n int64
	err := filepath.WalkDir(filepath.Join(s.Dir, s.Bucket, prefix), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}
