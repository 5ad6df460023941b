package gdrive

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/avault/avault/backend/storage"
)

// A resumable upload speaks Google's protocol directly, as the client
// library neither follows an acknowledgement that ends before what it sent
// nor begins a session again:
//
//  1. POST upload/drive/v3/files?uploadType=resumable with the file's
//     metadata; the answer's Location is the session.
//  2. PUT the bytes to the session in chunks of a multiple of 256 KiB, each
//     with "Content-Range: bytes A-B/SIZE". Google answers 308 with
//     "Range: bytes=0-N": it holds the first N+1 bytes, which may be fewer
//     than were sent, and the next chunk starts there. The chunk that
//     completes the file is answered 200 with the file.
//  3. After an attempt whose answer was lost, an empty PUT with "bytes
//     */SIZE" asks what the session holds (or for the file, if the lost
//     answer completed it).
//  4. A session answering 404 or 410 has expired: the upload begins again
//     from the first byte with a new session, reading the file again when
//     it can seek (or from the chunk still held, when nothing was
//     acknowledged yet). Otherwise the error is one worth retrying, and
//     the caller (the retry decorator, the engine) sends the file again.

// maxSessions bounds the sessions one upload begins.
const maxSessions = 3

// errSessionGone is an upload session's 404 or 410: it expired.
var errSessionGone = errors.New("Google Drive's upload session expired")

// uploadLarge sends size bytes of r through a resumable upload.
func (d *Dest) uploadLarge(ctx context.Context, parent, name, what string, r io.Reader, size int64, progress func(int64)) (*drive.File, error) {
	u := newUpstream(r, size, int(min(int64(d.o.ChunkSize), size)))
	var reported int64
	report := func(held int64) { // progress never counts a byte twice across sessions
		if held > reported && progress != nil {
			progress(held - reported)
		}
		reported = max(reported, held)
	}
	for n := 1; ; n++ {
		f, err := d.session(ctx, parent, name, what, u, report)
		if err == nil {
			return f, d.verify(ctx, f, u.md5(), size, what)
		}
		if !errors.Is(err, errSessionGone) {
			return nil, err
		}
		d.log().Info("Google Drive: an upload session expired; the upload starts again", "file", what, "session", n)
		if n >= maxSessions {
			return nil, storage.NewError(storage.ErrUnavailable,
				fmt.Sprintf("upload %s: Google Drive's upload session expired %d times", what, n), err)
		}
		if rerr := u.rewind(); rerr != nil {
			return nil, storage.NewError(storage.ErrUnavailable, "upload "+what+
				": Google Drive's upload session expired and the file cannot be read again here; it has to be sent again", err)
		}
	}
}

// session sends the file through one new upload session. It returns the
// file, or an error matching errSessionGone when the session expired.
func (d *Dest) session(ctx context.Context, parent, name, what string, u *upstream, report func(int64)) (*drive.File, error) {
	loc, err := d.startSession(ctx, parent, name, what, u.size)
	if err != nil {
		return nil, err
	}
	for {
		if err := u.fill(); err != nil {
			return nil, fmt.Errorf("upload %s: %w", what, err)
		}
		f, held, err := d.sendChunk(ctx, what, loc, u)
		if f != nil {
			report(u.size)
		}
		if err != nil || f != nil {
			return f, err
		}
		if !u.acked(held) { // the session lost what it had acknowledged
			return nil, fmt.Errorf("%w: it holds %d bytes, where %d were acknowledged", errSessionGone, held, u.off)
		}
		report(held)
	}
}

// startSession begins a resumable upload of size bytes as name in parent
// and returns the session's URL.
func (d *Dest) startSession(ctx context.Context, parent, name, what string, size int64) (string, error) {
	meta, err := json.Marshal(&drive.File{Name: name, Parents: []string{parent}})
	if err != nil {
		return "", err
	}
	u := d.o.Endpoint + "upload/drive/v3/files?" + url.Values{"uploadType": {"resumable"},
		"supportsAllDrives": {"true"}, "fields": {uploadFields}, "alt": {"json"}}.Encode()
	var loc string
	err = d.do(ctx, "upload "+what, smallUpload, func(ctx context.Context, _ bool) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(meta))
		if err != nil {
			return final{err}
		}
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
		req.Header.Set("X-Upload-Content-Type", "application/octet-stream")
		req.Header.Set("X-Upload-Content-Length", strconv.FormatInt(size, 10))
		resp, err := d.http.Do(req)
		if err != nil {
			return err
		}
		defer drain(resp)
		if err := googleapi.CheckResponse(resp); err != nil {
			return err
		}
		if loc = resp.Header.Get("Location"); loc == "" {
			return storage.NewError(storage.ErrUnavailable, "Google Drive began an upload session without its URL", nil)
		}
		return nil
	})
	return loc, err
}

// sendChunk sends the window's next piece to session loc. After an attempt
// whose answer was lost it asks instead what the session holds, and the
// caller goes on from there. It returns the file once the upload is
// complete, else how many bytes the session holds.
func (d *Dest) sendChunk(ctx context.Context, what, loc string, u *upstream) (*drive.File, int64, error) {
	piece := u.piece()
	kind := callKind{timeout: true, body: int64(len(piece)), upload: true}
	var f *drive.File
	var held int64
	err := d.do(ctx, "upload "+what, kind, func(ctx context.Context, again bool) error {
		var err error
		if again {
			f, held, err = d.put(ctx, loc, nil, 0, u.size)
		} else {
			f, held, err = d.put(ctx, loc, piece, u.off, u.size)
		}
		return err
	})
	return f, held, err
}

// put sends data as the bytes from off of a file of size bytes to session
// loc or, with data nil, asks what the session holds. It returns the file
// when the upload is complete, else how many bytes the session holds.
func (d *Dest) put(ctx context.Context, loc string, data []byte, off, size int64) (*drive.File, int64, error) {
	body := &chunkBody{data: data}
	defer body.detach()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, loc, body)
	if err != nil {
		return nil, 0, final{err}
	}
	req.ContentLength = int64(len(data))
	if data == nil {
		req.Body = http.NoBody
	}
	if data == nil {
		req.Header.Set("Content-Range", fmt.Sprintf("bytes */%d", size))
	} else {
		req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+int64(len(data))-1, size))
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("X-GUploader-No-308", "yes") // 200 with the status in a header, not a 308 http.Client might follow
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer drain(resp)
	switch {
	case resp.StatusCode == http.StatusPermanentRedirect || resp.Header.Get("X-Http-Status-Code-Override") == "308":
		held, err := heldBytes(resp.Header.Get("Range"))
		return nil, held, err
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, 0, final{fmt.Errorf("%w (%v)", errSessionGone, googleapi.CheckResponse(resp))}
	}
	if err := googleapi.CheckResponse(resp); err != nil {
		return nil, 0, err
	}
	var f drive.File
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil {
		return nil, 0, storage.NewError(storage.ErrUnavailable, "the answer to an upload broke off", err)
	}
	return &f, 0, nil
}

// heldBytes reads the Range of a 308 ("bytes=0-N": N+1 bytes held; none
// when absent).
func heldBytes(h string) (int64, error) {
	if h == "" {
		return 0, nil
	}
	last, ok := strings.CutPrefix(h, "bytes=0-")
	n, err := strconv.ParseInt(last, 10, 64)
	if !ok || err != nil || n < 0 {
		return 0, storage.NewError(storage.ErrUnavailable, "Google Drive answered an upload with the range "+strconv.Quote(h), err)
	}
	return n + 1, nil
}

// drain reads what is left of an answer and closes it, so the connection
// can be used again.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
}

// upstream is a file being sent: the window of bytes read from it and not
// yet held by the session, [off, off+len(buf)), at most a chunk.
type upstream struct {
	src    io.Reader
	seeker io.Seeker // src, when it can go back to where it stood
	pos    int64     // where src stood
	size   int64
	er     *exactReader
	buf    []byte
	off    int64
}

func newUpstream(r io.Reader, size int64, chunk int) *upstream {
	u := &upstream{src: r, size: size, buf: make([]byte, 0, max(chunk, 1))}
	if s, ok := r.(io.Seeker); ok {
		if pos, err := s.Seek(0, io.SeekCurrent); err == nil {
			u.seeker, u.pos = s, pos
		}
	}
	u.er = &exactReader{r: r, left: size, h: md5.New()}
	return u
}

// fill tops the window up to a chunk, or to the end of the file.
func (u *upstream) fill() error {
	for len(u.buf) < cap(u.buf) && u.er.left > 0 {
		n, err := u.er.Read(u.buf[len(u.buf):cap(u.buf)])
		u.buf = u.buf[:len(u.buf)+n]
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// piece is what to send next: the whole window when it ends the file,
// else the most of it that is a multiple of 256 KiB, as Google requires.
func (u *upstream) piece() []byte {
	if u.off+int64(len(u.buf)) == u.size {
		return u.buf
	}
	return u.buf[:len(u.buf)/chunkUnit*chunkUnit]
}

// acked drops the bytes the session holds (held from the start); false
// when held lies outside the window.
func (u *upstream) acked(held int64) bool {
	if held < u.off || held > u.off+int64(len(u.buf)) {
		return false
	}
	u.buf = u.buf[:copy(u.buf, u.buf[held-u.off:])]
	u.off = held
	return true
}

// rewind goes back to the first byte for a new session: at once when the
// window still holds it, by seeking otherwise.
func (u *upstream) rewind() error {
	if u.off == 0 {
		return nil
	}
	if u.seeker == nil {
		return errors.New("the reader cannot seek")
	}
	if _, err := u.seeker.Seek(u.pos, io.SeekStart); err != nil {
		return err
	}
	u.er = &exactReader{r: u.src, left: u.size, h: md5.New()}
	u.buf, u.off = u.buf[:0], 0
	return nil
}

// md5 is the hex MD5 of the bytes read.
func (u *upstream) md5() string { return hex.EncodeToString(u.er.h.Sum(nil)) }

// chunkBody is a request body over a piece of the upload buffer. An HTTP
// transport may go on reading a request's body after Do returned (after a
// reset or a timeout), while the buffer is about to be refilled with the
// next bytes: detach cuts the body off from the buffer before that.
type chunkBody struct {
	mu   sync.Mutex
	data []byte
}

func (b *chunkBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *chunkBody) Close() error { b.detach(); return nil }

// detach ends the body: later reads see EOF and never touch the buffer.
func (b *chunkBody) detach() {
	b.mu.Lock()
	b.data = nil
	b.mu.Unlock()
}
