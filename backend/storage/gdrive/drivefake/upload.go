package drivefake

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// session is a resumable upload in progress.
type session struct {
	meta   meta
	params url.Values // the initiating request's query (fields, supportsAllDrives)
	data   []byte
	chunks int  // requests that carried bytes
	expire bool // it expires after its first chunk (Options.ExpireSessions)
}

// finished is a session that made its file: asked again, it answers with
// the file, as Google does.
type finished struct {
	fileID string
	params url.Values
}

// chunkGranularity is the size every non-final resumable chunk must be a
// multiple of (256 KiB), as Google requires.
const chunkGranularity = 256 << 10

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if id := q.Get("upload_id"); id != "" {
		s.chunk(w, r, id)
		return
	}
	switch q.Get("uploadType") {
	case "multipart":
		s.multipart(w, r)
	case "resumable":
		s.startResumable(w, r)
	case "media":
		data, err := io.ReadAll(io.LimitReader(r.Body, MaxMultipartBytes+1))
		if err != nil || len(data) > MaxMultipartBytes {
			writeError(w, http.StatusRequestEntityTooLarge, "uploadTooLarge", "Media too large for a simple upload.")
			return
		}
		s.finishCreate(w, r, meta{}, damage(r.Context(), data), q, nil)
	default:
		writeParamError(w, "uploadType", "Invalid upload type: "+q.Get("uploadType"))
	}
}

// multipart handles uploadType=multipart: a multipart/related body whose
// first part is the JSON metadata and whose second part is the media.
func (s *Server) multipart(w http.ResponseWriter, r *http.Request) {
	m, data, err := readMultipart(r)
	if errors.Is(err, errTooLarge) {
		writeError(w, http.StatusRequestEntityTooLarge, "uploadTooLarge",
			fmt.Sprintf("Media larger than %d bytes must use a resumable upload.", MaxMultipartBytes))
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "badContent", "Invalid multipart request: "+err.Error())
		return
	}
	s.finishCreate(w, r, m, damage(r.Context(), data), r.URL.Query(), nil)
}

var errTooLarge = errors.New("media too large")

func readMultipart(r *http.Request) (meta, []byte, error) {
	var m meta
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/related" {
		return m, nil, fmt.Errorf("content type %q is not multipart/related", r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	part, err := mr.NextPart()
	if err != nil {
		return m, nil, err
	}
	if m, err = decodeMeta(part); err != nil {
		return m, nil, err
	}
	part, err = mr.NextPart()
	if err != nil {
		return m, nil, fmt.Errorf("no media part: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(part, MaxMultipartBytes+1))
	if err != nil {
		return m, nil, err
	}
	if len(data) > MaxMultipartBytes {
		return m, nil, errTooLarge
	}
	if m.MimeType == "" {
		m.MimeType = part.Header.Get("Content-Type")
	}
	return m, data, nil
}

// startResumable opens a session and answers with its URL in Location.
func (s *Server) startResumable(w http.ResponseWriter, r *http.Request) {
	m, err := decodeMeta(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "parseError", "Parse Error")
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	parentID := "root"
	if len(m.Parents) > 0 {
		parentID = m.Parents[0]
	}
	_, ok := s.lookup(parentID, q.Get("supportsAllDrives") == "true")
	capped := s.capReached(1, true)
	id := newID()
	if ok && !capped {
		sess := &session{meta: m, params: q}
		if s.opts.ExpireSessions {
			key := parentID + "/"
			if m.Name != nil {
				key += *m.Name
			}
			sess.expire = !s.expired[key]
			s.expired[key] = true
		}
		s.sessions[id] = sess
	}
	s.mu.Unlock()
	switch {
	case !ok:
		writeNotFound(w, parentID)
	case capped:
		e := dailyCapError()
		writeGoogleError(w, e.Code, *e)
	default:
		// The session lives on the host the client spoke to (a proxy's, in tests).
		w.Header().Set("Location", "http://"+r.Host+"/upload/drive/v3/files?uploadType=resumable&upload_id="+id)
		w.WriteHeader(http.StatusOK)
	}
}

// chunk takes one POSTed (or PUT) chunk of a resumable upload, or answers
// a status request (an empty body, "bytes */total").
func (s *Server) chunk(w http.ResponseWriter, r *http.Request, id string) {
	first, last, total, err := parseContentRange(r.Header.Get("Content-Range"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "badRequest", "Failed to parse Content-Range header.")
		return
	}
	body, err := readBody(r)
	if err != nil {
		return // the client went away mid-chunk; nothing is kept
	}
	body = damage(r.Context(), body)
	if first >= 0 && last-first+1 != int64(len(body)) {
		writeError(w, http.StatusBadRequest, "badRequest", "The chunk length does not match its Content-Range.")
		return
	}
	s.mu.Lock()
	if fin, ok := s.done[id]; ok {
		f, ok := s.files[fin.fileID]
		var out map[string]any
		if ok {
			out = s.toMap(f)
		}
		s.mu.Unlock()
		if !ok {
			writeNotFound(w, fin.fileID)
			return
		}
		r.URL.RawQuery = fin.params.Encode()
		writeSelected(w, r, out, fileFields, fileDefault)
		return
	}
	sess, ok := s.sessions[id]
	if ok && sess.expire && sess.chunks > 0 {
		delete(s.sessions, id)
		ok = false
	}
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "notFound", "No upload session "+id)
		return
	}
	if msg := sess.accept(first, total, body, s.opts.PartialChunks); msg != "" {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "badRequest", msg)
		return
	}
	if first >= 0 {
		sess.chunks++
	}
	received := int64(len(sess.data))
	complete := total >= 0 && received == total
	if complete {
		delete(s.sessions, id)
	}
	s.mu.Unlock()
	if complete {
		s.finishCreate(w, r, sess.meta, sess.data, sess.params, func(f *file) {
			s.done[id] = finished{fileID: f.ID, params: sess.params}
		})
		return
	}
	writeIncomplete(w, r, received)
}

// writeIncomplete answers "308 Resume Incomplete" with the bytes received
// so far; a client that sent X-GUploader-No-308 gets 200 and the status in
// X-HTTP-Status-Code-Override instead, as from Google.
func writeIncomplete(w http.ResponseWriter, r *http.Request, received int64) {
	if received > 0 {
		w.Header().Set("Range", "bytes=0-"+strconv.FormatInt(received-1, 10))
	}
	if r.Header.Get("X-GUploader-No-308") == "yes" {
		w.Header().Set("X-HTTP-Status-Code-Override", "308")
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusPermanentRedirect)
}

// readBody reads a request body, sized by Content-Length when it is known.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength < 0 || r.ContentLength > 1<<30 {
		return io.ReadAll(r.Body)
	}
	buf := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// accept appends a chunk starting at first (-1: none) to the session,
// skipping bytes it already has; with partial set it keeps only the first
// half of a chunk of more than 256 KiB, rounded down to 256 KiB. It
// returns an error message or "".
func (sess *session) accept(first, total int64, body []byte, partial bool) string {
	have := int64(len(sess.data))
	if first < 0 {
		if len(body) > 0 {
			return "A chunk without a byte range must be empty."
		}
		return ""
	}
	end := first + int64(len(body))
	switch {
	case first > have:
		return fmt.Sprintf("The chunk starts at %d but only %d bytes were received.", first, have)
	case total >= 0 && end > total:
		return fmt.Sprintf("The chunk ends at %d, past the declared %d bytes.", end, total)
	case (total < 0 || end < total) && len(body)%chunkGranularity != 0:
		return "Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144)."
	}
	if partial && len(body) > chunkGranularity {
		body = body[:max(len(body)/2/chunkGranularity*chunkGranularity, chunkGranularity)]
	}
	if skip := have - first; skip < int64(len(body)) {
		sess.data = append(sess.data, body[skip:]...)
	}
	return ""
}

// parseContentRange reads "bytes A-B/T", "bytes A-B/*", "bytes */T" or
// "bytes */*"; first, last and total are -1 where the header has "*".
func parseContentRange(h string) (first, last, total int64, err error) {
	spec, ok := strings.CutPrefix(h, "bytes ")
	rng, tot, ok2 := strings.Cut(spec, "/")
	if !ok || !ok2 {
		return 0, 0, 0, fmt.Errorf("bad Content-Range %q", h)
	}
	first, last, total = -1, -1, -1
	if tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil {
			return 0, 0, 0, err
		}
	}
	if rng != "*" {
		a, b, ok := strings.Cut(rng, "-")
		if !ok {
			return 0, 0, 0, fmt.Errorf("bad Content-Range %q", h)
		}
		first, err = strconv.ParseInt(a, 10, 64)
		if err == nil {
			last, err = strconv.ParseInt(b, 10, 64)
		}
		if err != nil || last < first {
			return 0, 0, 0, fmt.Errorf("bad Content-Range %q", h)
		}
	}
	return first, last, total, nil
}
