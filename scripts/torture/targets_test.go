//go:build torture

package torture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/oauth/oauthfake"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
	"github.com/avault/avault/backend/storage/s3"
	"github.com/avault/avault/backend/storage/s3/s3test"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

// target is a destination as the campaign sees it: it connects a world to
// it through the command line, and inspects it from the outside, without
// Avault's code, to find committed versions and leftovers.
type target interface {
	kind() string
	// connect adds the credential and the destination to w and returns the
	// destination's name.
	connect(w *world) string
	// inspect lists the job's committed versions and its leftovers
	// (pending places never committed) as the destination holds them.
	inspect(jobID string) (committed []string, left []leftover, err error)
	// read returns the files of a committed version as the destination
	// stores them (Avault's own folder left out), read without Avault.
	read(version string) (snapshot, error)
}

// leftover is a pending place; hasManifest says the commit had begun,
// files counts the backed-up files it holds (Avault's own not counted).
type leftover struct {
	name        string
	hasManifest bool
	files       int
}

// ---- local folder

type localTarget struct{ dir string }

func newLocalTarget(t *testing.T, w *world) *localTarget {
	dir := filepath.Join(w.dir, "dest-local")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &localTarget{dir: dir}
}

func (l *localTarget) kind() string { return "local" }

func (l *localTarget) connect(w *world) string {
	w.mustOK("dest", "add", "--name", "Local", "--kind", "local", "--remote", l.dir)
	return "Local"
}

func (l *localTarget) inspect(jobID string) ([]string, []leftover, error) {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return nil, nil, err
	}
	var committed []string
	var left []leftover
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		meta := filepath.Join(l.dir, e.Name(), storage.MetaDir)
		var owner storage.Owner
		if data, err := os.ReadFile(filepath.Join(meta, "owner.json")); err == nil {
			json.Unmarshal(data, &owner)
		}
		if owner.JobID != jobID {
			continue
		}
		_, manErr := os.Stat(filepath.Join(meta, storage.ManifestName))
		_, recErr := os.Stat(filepath.Join(meta, "version.json"))
		name, tmp := strings.CutPrefix(e.Name(), storage.TmpPrefix)
		if !tmp && recErr == nil {
			committed = append(committed, e.Name())
			continue
		}
		left = append(left, leftover{name: name, hasManifest: manErr == nil, files: countFiles(filepath.Join(l.dir, e.Name()))})
	}
	return committed, left, nil
}

func (l *localTarget) read(version string) (snapshot, error) {
	snap := snapshotOf(filepath.Join(l.dir, version))
	for p := range snap {
		if strings.HasPrefix(p, storage.MetaDir+"/") {
			delete(snap, p)
		}
	}
	return snap, nil
}

// countFiles counts the regular files under dir, outside MetaDir.
func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir() && d.Name() == storage.MetaDir:
			return filepath.SkipDir
		case d.Type().IsRegular():
			n++
		}
		return nil
	})
	return n
}

// ---- S3 (versitygw over HTTPS, optionally behind the fault proxy)

type s3Target struct {
	srv    *s3test.Server
	proxy  *faultproxy.Proxy // nil: the destination talks to the server directly
	client *awss3.Client
}

// newS3Target starts versitygw over HTTPS with a fresh certificate, its
// data under w's folder (so it is searched for secrets), and, with
// faults, the fault proxy in front of it, serving the same certificate.
func newS3Target(t *testing.T, w *world, faults bool) *s3Target {
	t.Helper()
	return newS3TargetSized(t, w, faults, "")
}

// newS3TargetSized is newS3Target with the server's data on a tmpfs of
// size (as mount takes it; "" for none): a bucket that fills up.
func newS3TargetSized(t *testing.T, w *world, faults bool, size string) *s3Target {
	t.Helper()
	bin, err := s3test.Binary()
	if err != nil {
		t.Skip(err)
	}
	work := filepath.Join(w.dir, "s3server")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if size != "" {
		mountTmpfs(t, filepath.Join(work, "s3"), size) // versitygw keeps the bucket there
	}
	srv, err := s3test.StartServer(bin, work, s3test.Options{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	plant("S3 secret access key", srv.SecretKey)
	st := &s3Target{srv: srv}
	if faults {
		up := http.DefaultTransport.(*http.Transport).Clone()
		up.TLSClientConfig = srv.Cert.ClientTLS()
		p, err := faultproxy.New(srv.Endpoint, faultproxy.Options{Transport: up,
			TLS: &tls.Config{Certificates: []tls.Certificate{srv.Cert.TLS}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		st.proxy = p
	}
	d, err := s3.New(context.Background(), s3.Options{Bucket: srv.Bucket, Endpoint: srv.Endpoint, Region: srv.Region,
		PathStyle: true, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey, CAPEM: srv.Cert.PEM})
	if err != nil {
		t.Fatal(err)
	}
	st.client = d.Client()
	// The destination trusts the server's certificate through the
	// standard SSL_CERT_FILE (see docs/RELIABILITY.md).
	w.env = append(w.env, "SSL_CERT_FILE="+srv.Cert.CertFile)
	return st
}

func (s *s3Target) kind() string { return "s3" }

func (s *s3Target) endpoint() string {
	if s.proxy != nil {
		return s.proxy.URL
	}
	return s.srv.Endpoint
}

func (s *s3Target) connect(w *world) string {
	r := w.cli(s.srv.SecretKey+"\n", "cred", "add", "s3", "--name", "S3 key", "--access-key-id", s.srv.AccessKey, "--secret-stdin")
	if r.code != 0 {
		w.t.Fatalf("%s", r)
	}
	w.mustOK("dest", "add", "--name", "S3", "--kind", "s3", "--remote", s.srv.Bucket, "--folder", "backups/nas",
		"--credential", "S3 key", "--opt", "endpoint="+s.endpoint(), "--opt", "pathStyle=true", "--opt", "region="+s.srv.Region)
	return "S3"
}

// inspect lists the bucket with the SDK: a version is a prefix with a
// manifest object; a leftover one with an owner record and no manifest.
func (s *s3Target) inspect(jobID string) ([]string, []leftover, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const base = "backups/nas/"
	type place struct {
		owner, manifest bool
		files           int
	}
	places := map[string]*place{}
	p := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{Bucket: aws.String(s.srv.Bucket), Prefix: aws.String(base)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range page.Contents {
			name, rest, ok := strings.Cut(strings.TrimPrefix(aws.ToString(o.Key), base), "/")
			if !ok {
				continue
			}
			pl := places[name]
			if pl == nil {
				pl = &place{}
				places[name] = pl
			}
			if !strings.HasPrefix(rest, storage.MetaDir+"/") {
				pl.files++
			}
			pl.owner = pl.owner || rest == storage.MetaDir+"/owner.json"
			pl.manifest = pl.manifest || rest == storage.MetaDir+"/"+storage.ManifestName
		}
	}
	var committed []string
	var left []leftover
	for name, pl := range places {
		if !pl.owner && !pl.manifest {
			continue
		}
		var owner storage.Owner
		if pl.owner {
			out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.srv.Bucket), Key: aws.String(base + name + "/" + storage.MetaDir + "/owner.json")})
			if err == nil {
				json.NewDecoder(out.Body).Decode(&owner)
				out.Body.Close()
			}
		}
		switch {
		case pl.manifest && (owner.JobID == jobID || !pl.owner):
			committed = append(committed, name)
		case owner.JobID == jobID:
			left = append(left, leftover{name: name, files: pl.files})
		}
	}
	slices.Sort(committed)
	return committed, left, nil
}

func (s *s3Target) read(version string) (snapshot, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	prefix := "backups/nas/" + version + "/"
	snap := snapshot{}
	p := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{Bucket: aws.String(s.srv.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			rel := strings.TrimPrefix(aws.ToString(o.Key), prefix)
			if strings.HasPrefix(rel, storage.MetaDir+"/") || isFolderMarker(rel, aws.ToInt64(o.Size)) {
				continue
			}
			out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.srv.Bucket), Key: o.Key})
			if err != nil {
				return nil, err
			}
			snap[rel], err = sumReader(out.Body)
			out.Body.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return snap, nil
}

// uploads lists multipart uploads still open under the destination's prefix.
func (s *s3Target) uploads() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := s.client.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: aws.String(s.srv.Bucket), Prefix: aws.String("backups/nas/")})
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys, nil
}

// ---- Google Drive (the Drive fake, signed in through the OAuth fake)

const (
	googleClientID = "torture-client.apps.googleusercontent.com"
	driveFolder    = "Backups/NAS"
)

type driveTarget struct {
	drive        *drivefake.Server
	auth         *oauthfake.Server
	authURL      string // the recording proxy in front of auth
	clientSecret string
}

// newDriveTarget starts the Drive and OAuth fakes in this process. The
// OAuth fake sits behind a proxy that plants every token it issues as a
// secret.
func newDriveTarget(t *testing.T, w *world) *driveTarget {
	t.Helper()
	return newDriveTargetQuota(t, w, 0)
}

// newDriveTargetQuota is newDriveTarget with a My Drive storage quota of
// quota bytes (0: none).
func newDriveTargetQuota(t *testing.T, w *world, quota int64) *driveTarget {
	t.Helper()
	secret := "torture-google-client-secret-" + randomHex(8)
	plant("Google client secret", secret)
	auth := oauthfake.New(googleClientID, secret)
	t.Cleanup(auth.Close)
	o := driveStrict()
	o.Authorize, o.QuotaBytes = auth.Valid, quota
	drive := drivefake.New(o)
	t.Cleanup(drive.Close)
	drive.SetFaults(strayUnauthorized())
	up, _ := url.Parse(strings.TrimSuffix(auth.TokenURL(), "/token"))
	rp := httputil.NewSingleHostReverseProxy(up)
	rp.ModifyResponse = plantTokens
	ps := httptest.NewServer(rp)
	t.Cleanup(ps.Close)
	d := &driveTarget{drive: drive, auth: auth, authURL: ps.URL, clientSecret: secret}
	w.env = append(w.env, "AVAULT_DRIVE_ENDPOINT="+drive.URL(), "AVAULT_OAUTH_ENDPOINT="+ps.URL)
	t.Cleanup(func() { scanDrive(drive, drivefake.RootID, "Drive fake") })
	return d
}

// driveStrict is the Drive fake as the campaign meets it: Google's ways
// (drivefake.Strict): names that ignore case, a name search that lags
// behind writes, creations limited and refused in the daily cap's words,
// the folder depth limit, resumable sessions that expire after their first
// chunk and chunks accepted in part; an eighth of the files flagged as
// abusive rather than all (each flagged download costs a second request).
// The full campaign has Google's 3 creations a second and a search a
// minute behind; -short allows 6 creations a second, so that the limit
// still refuses some (Avault sends up to 10 requests a second), and a
// search 5 seconds behind, which still misses what a run or the command
// before it wrote, without making the short campaign much slower (each
// miss costs a listing of the folder).
func driveStrict() drivefake.Options {
	o := drivefake.Strict()
	o.NameSearchLag = time.Minute
	if testingShort() {
		o.CreatesPerSecond, o.NameSearchLag = 6, 5*time.Second
	}
	o.FlagAbusive = driveFlagged
	return o
}

// driveFlagged says whether the strict Drive fake flags a file called name
// as abusive: one name in eight.
func driveFlagged(name string) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()%8 == 0
}

// flaggedNoted checks, for a Drive target, that the notes of a restore or
// deep verify of the files in snap name as many files as the fake flagged
// among them, and say they were read with acknowledgeAbuse; "" when they
// do, else what is wrong.
func flaggedNoted(snap snapshot, notes []string) string {
	flagged := 0
	for p := range snap {
		if driveFlagged(path.Base(p)) {
			flagged++
		}
	}
	noted := 0
	for _, n := range notes {
		if !strings.Contains(n, "acknowledgeAbuse") {
			return fmt.Sprintf("a note that does not say acknowledgeAbuse: %q", n)
		}
		if m := notedCount.FindStringSubmatch(n); m != nil {
			k, _ := strconv.Atoi(m[1])
			noted += k
		} else {
			noted++
		}
	}
	if noted != flagged {
		return fmt.Sprintf("the notes name %d files, the fake flagged %d of them: %q", noted, flagged, notes)
	}
	return ""
}

// notedCount finds how many files a note line counts ("… (3 files: a, b, c)").
var notedCount = regexp.MustCompile(`\((\d+) files[:;]`)

// strayUnauthorized is the fault plan of every Drive target: 1 % of the
// requests answered 401 although the token is good, as Google does now
// and then (the fake keeps them apart, as Google's stray ones are). The
// faults campaign replaces it with a plan that includes them.
func strayUnauthorized() drivefake.FaultPlan {
	return drivefake.FaultPlan{Rate: 0.01, Seed: seed, Kinds: []drivefake.Fault{drivefake.Unauthorized}}
}

// plantTokens registers the tokens in a token endpoint's answer as secrets.
func plantTokens(resp *http.Response) error {
	if !strings.HasSuffix(resp.Request.URL.Path, "/token") {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var tok struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	if json.Unmarshal(body, &tok) == nil {
		if len(tok.Access) >= 8 {
			plant("Google access token", tok.Access)
		}
		if len(tok.Refresh) >= 8 {
			plant("Google refresh token", tok.Refresh)
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// scanDrive searches every file stored in the Drive fake for secrets.
func scanDrive(d *drivefake.Server, id, where string) {
	for _, it := range d.Children(id) {
		if it.MimeType == drivefake.FolderMime {
			scanDrive(d, it.ID, where+"/"+it.Name)
			continue
		}
		if data, ok := d.Content(it.ID); ok {
			scanBytes(where+"/"+it.Name, data)
		}
	}
}

func (d *driveTarget) kind() string { return "gdrive" }

func (d *driveTarget) connect(w *world) string {
	if _, err := d.signIn(w, "Google", false); err != nil {
		w.t.Fatal(err)
	}
	w.mustOK("dest", "add", "--name", "Drive", "--kind", "gdrive", "--remote", "root", "--folder", driveFolder, "--credential", "Google")
	return "Drive"
}

// signInResult is what the harness saw of one `avault auth google`.
type signInResult struct {
	redirect string // the loopback callback address
	result   result
}

// signIn runs `avault auth google`, playing the browser: it reads the
// address the command prints, and follows it to the OAuth fake, which
// redirects to the command's loopback listener. With forge, it first
// calls the listener with a made-up state, as another page could.
func (d *driveTarget) signIn(w *world, name string, forge bool) (signInResult, error) {
	var out signInResult
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := []string{"auth", "google", "--name", name, "--json"}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = w.environ("GOOGLE_CLIENT_ID="+googleClientID, "GOOGLE_CLIENT_SECRET="+d.clientSecret)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(&stderr, pw)
	if err := cmd.Start(); err != nil {
		return out, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); strings.HasPrefix(l, "http") {
				select {
				case found <- l:
				default:
				}
			}
		}
	}()
	var browseErr error
	select {
	case authURL := <-found:
		out.redirect, browseErr = d.browse(authURL, forge)
	case <-ctx.Done():
		browseErr = errors.New("auth google printed no address")
	}
	err := cmd.Wait()
	pw.Close()
	out.result = result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			out.result.code = ee.ExitCode()
		} else {
			out.result.code = -1
		}
	}
	transcript.add(out.result)
	if browseErr != nil {
		return out, browseErr
	}
	if !forge && out.result.code != 0 {
		return out, fmt.Errorf("sign-in failed: %s", out.result)
	}
	return out, nil
}

// browse follows the sign-in address as a browser would, and returns the
// loopback redirect address the command asked for.
func (d *driveTarget) browse(authURL string, forge bool) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	redirect := u.Query().Get("redirect_uri")
	if forge {
		resp, err := http.Get(redirect + "?state=forged-" + randomHex(4) + "&code=made-up")
		if err != nil {
			return redirect, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		transcript.write(fmt.Sprintf("forged OAuth callback: %d\n", resp.StatusCode))
		return redirect, nil
	}
	resp, err := http.Get(authURL) // the fake redirects to the loopback callback
	if err != nil {
		return redirect, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	transcript.write(fmt.Sprintf("OAuth browser: %d %s\n", resp.StatusCode, clip(string(body), 300)))
	return redirect, nil
}

// folder returns the id of the destination folder (Backups/NAS), or "".
func (d *driveTarget) folder() string {
	id := drivefake.RootID
	for _, name := range strings.Split(driveFolder, "/") {
		next := ""
		for _, it := range d.drive.Children(id) {
			if it.Name == name && !it.Trashed && it.MimeType == drivefake.FolderMime {
				next = it.ID
			}
		}
		if next == "" {
			return ""
		}
		id = next
	}
	return id
}

// inspect lists the destination folder: Avault marks its folders with
// public properties (avault=version or pending, avaultJob=the job id).
func (d *driveTarget) inspect(jobID string) ([]string, []leftover, error) {
	dir := d.folder()
	if dir == "" {
		return nil, nil, nil
	}
	var committed []string
	var left []leftover
	for _, it := range d.drive.Children(dir) {
		if it.Trashed || it.MimeType != drivefake.FolderMime || it.Properties["avaultJob"] != jobID {
			continue
		}
		name, tmp := strings.CutPrefix(it.Name, storage.TmpPrefix)
		if !tmp && it.Properties["avault"] == "version" {
			committed = append(committed, it.Name)
			continue
		}
		left = append(left, leftover{name: name, hasManifest: d.hasManifest(it.ID), files: d.countFiles(it.ID)})
	}
	slices.Sort(committed)
	return committed, left, nil
}

func (d *driveTarget) read(version string) (snapshot, error) {
	dir := d.folder()
	snap := snapshot{}
	for _, it := range d.drive.Children(dir) {
		if it.Name == version && !it.Trashed && it.MimeType == drivefake.FolderMime {
			d.readInto(snap, it.ID, "")
			return snap, nil
		}
	}
	return nil, fmt.Errorf("no folder %s on the Drive", version)
}

func (d *driveTarget) readInto(snap snapshot, folder, prefix string) {
	for _, it := range d.drive.Children(folder) {
		switch {
		case it.Trashed, prefix == "" && it.Name == storage.MetaDir:
		case it.MimeType == drivefake.FolderMime:
			d.readInto(snap, it.ID, prefix+it.Name+"/")
		default:
			data, _ := d.drive.Content(it.ID)
			snap[prefix+it.Name], _ = sumReader(bytes.NewReader(data))
		}
	}
}

// countFiles counts the files under folder, outside MetaDir.
func (d *driveTarget) countFiles(folder string) int {
	n := 0
	for _, it := range d.drive.Children(folder) {
		switch {
		case it.Trashed, it.Name == storage.MetaDir:
		case it.MimeType == drivefake.FolderMime:
			n += d.countFiles(it.ID)
		default:
			n++
		}
	}
	return n
}

func (d *driveTarget) hasManifest(folder string) bool {
	for _, it := range d.drive.Children(folder) {
		if it.Name == storage.MetaDir && !it.Trashed {
			for _, f := range d.drive.Children(it.ID) {
				if f.Name == storage.ManifestName && !f.Trashed {
					return true
				}
			}
		}
	}
	return false
}
