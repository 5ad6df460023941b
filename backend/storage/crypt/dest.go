package crypt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/avault/avault/backend/storage"
)

// HashSuffix marks a destination's hash as one of the ciphertext: an
// encrypted destination reports "md5"+HashSuffix where the store reports
// the MD5 of what it holds, so it is never taken for a hash of the
// plaintext (the manifest's SHA-256 is of the plaintext).
const HashSuffix = "-encrypted"

// Dest is a destination whose names and contents are encrypted in rclone's
// crypt format on their way to the wrapped one and decrypted on their way
// back.
//
// Version folders have encrypted names, and so does every file and folder
// in them; Avault's own folder in each version (.avault, with the owner
// record and the manifest) keeps its name, so the wrapped destination
// still finds its commit records, and the manifest it holds is encrypted.
// An rclone crypt remote on the destination's root lists the versions and
// their files in clear and skips .avault, whose name it cannot decrypt.
// Plain files (the current + history layout) are encrypted whole, names
// and records included.
//
// Names at the destination that are not encrypted (versions made before
// encryption was turned on, a user's own folders) are left out of
// listings, so they are never deleted. Before anything is written or
// deleted, the wrapper checks that the encrypted names already there
// decrypt with its password; when none does, every write fails with
// storage.ErrAuth naming the destination, and nothing is written.
type Dest struct {
	d     storage.Destination
	c     *Cipher
	label string

	mu      sync.Mutex
	checked bool // the key was checked against what the destination holds
}

// Wrap returns d behind c. label names the destination in errors ("the
// destination NAS copy").
func Wrap(d storage.Destination, c *Cipher, label string) *Dest {
	if label == "" {
		label = "the destination"
	}
	return &Dest{d: d, c: c, label: label}
}

// Unwrap returns the wrapped destination.
func (d *Dest) Unwrap() storage.Destination { return d.d }

// Check checks the wrapped destination, then that the password fits what
// it holds.
func (d *Dest) Check(ctx context.Context) error {
	if err := d.d.Check(ctx); err != nil {
		return err
	}
	return d.checkKey(ctx)
}

// nameClass sorts an encrypted name: plain (not in the format: not ours),
// good (decrypts), bad (in the format, does not decrypt with our keys).
type nameClass int

const (
	namePlain nameClass = iota
	nameGood
	nameBad
)

// decryptName decrypts a version name or path and says what it was. A
// name that decrypts to something Avault never writes (not UTF-8, or with
// control characters) counts as bad: EME with a wrong key gives random
// bytes whose padding is valid about once in 256.
func (d *Dest) decryptName(enc string) (string, nameClass) {
	p, err := d.c.DecryptPath(enc)
	switch {
	case errors.Is(err, ErrNotEncrypted):
		return "", namePlain
	case err != nil:
		return "", nameBad
	case !utf8.ValidString(p) || strings.ContainsFunc(p, unicode.IsControl):
		return "", nameBad
	}
	return p, nameGood
}

// wrongKey is the error every write returns when the password does not fit.
func (d *Dest) wrongKey(bad int) error {
	return storage.NewError(storage.ErrAuth, fmt.Sprintf(
		"%s: the encryption password or salt password is wrong: %d encrypted name(s) there do not decrypt with it and none does; nothing was written or deleted",
		d.label, bad), ErrWrongKey)
}

// errWalkEnough ends the sampling walk.
var errWalkEnough = errors.New("enough")

// checkKey looks at the encrypted names the destination holds (version
// folders; some plain files) and fails with storage.ErrAuth when some are
// encrypted and none decrypts with this password. A success is kept.
func (d *Dest) checkKey(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.checked {
		return nil
	}
	good, bad := 0, 0
	count := func(enc string) {
		switch _, c := d.decryptName(enc); c {
		case nameGood:
			good++
		case nameBad:
			bad++
		}
	}
	vs, err := d.d.ListVersions(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		count(v.Name)
	}
	if good == 0 {
		if f := storage.FilesOf(d.d); f != nil {
			seen := 0
			err := f.Walk(ctx, "", func(fi storage.FileInfo) error {
				count(fi.Path)
				if seen++; seen >= 64 || good > 0 {
					return errWalkEnough
				}
				return nil
			})
			if err != nil && !errors.Is(err, errWalkEnough) {
				return err
			}
		}
	}
	if good == 0 && bad > 0 {
		return d.wrongKey(bad)
	}
	d.checked = true
	return nil
}

// Begin creates the pending place under the version's encrypted name.
func (d *Dest) Begin(ctx context.Context, name string, owner storage.Owner) (storage.Pending, error) {
	if err := storage.ValidateName(name); err != nil {
		return nil, err
	}
	if err := CheckNames(name); err != nil {
		return nil, storage.NewError(storage.ErrInvalid, err.Error(), nil)
	}
	if err := d.checkKey(ctx); err != nil {
		return nil, err
	}
	p, err := d.d.Begin(ctx, d.c.EncryptSegment(name), owner)
	if err != nil {
		return nil, err
	}
	return &pending{p: p, d: d, name: name}, nil
}

// ListVersions lists the versions whose names decrypt, by plain name.
func (d *Dest) ListVersions(ctx context.Context) ([]storage.VersionInfo, error) {
	vs, err := d.d.ListVersions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]storage.VersionInfo, 0, len(vs))
	bad := 0
	for _, v := range vs {
		name, c := d.decryptName(v.Name)
		switch {
		case c == nameBad:
			bad++
			continue
		case c != nameGood || storage.ValidateName(name) != nil:
			continue
		}
		v.Name = name
		out = append(out, v)
	}
	if len(out) == 0 && bad > 0 {
		return nil, d.wrongKey(bad)
	}
	slices.SortFunc(out, func(a, b storage.VersionInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// ListLeftovers lists the leftovers whose names decrypt.
func (d *Dest) ListLeftovers(ctx context.Context) ([]storage.Leftover, error) {
	ls, err := d.d.ListLeftovers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]storage.Leftover, 0, len(ls))
	for _, l := range ls {
		name, c := d.decryptName(l.Name)
		if c != nameGood || storage.ValidateName(name) != nil {
			continue
		}
		l.Name = name
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b storage.Leftover) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// DeleteVersion deletes the version called name (in clear).
func (d *Dest) DeleteVersion(ctx context.Context, name string) error {
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	if err := d.checkKey(ctx); err != nil {
		return err
	}
	return d.d.DeleteVersion(ctx, d.c.EncryptSegment(name))
}

// DeleteLeftover deletes the leftover called name (in clear).
func (d *Dest) DeleteLeftover(ctx context.Context, name string) error {
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	if err := d.checkKey(ctx); err != nil {
		return err
	}
	return d.d.DeleteLeftover(ctx, d.c.EncryptSegment(name))
}

// Open reads and decrypts a file of a committed version.
func (d *Dest) Open(ctx context.Context, version, p string) (io.ReadCloser, error) {
	if err := storage.ValidateName(version); err != nil {
		return nil, err
	}
	if err := storage.ValidatePath(p); err != nil {
		return nil, err
	}
	rc, err := d.d.Open(ctx, d.c.EncryptSegment(version), d.c.EncryptPath(p))
	if err != nil {
		return nil, err
	}
	return d.decrypt(rc, version+"/"+p)
}

// decrypt returns the plaintext of rc, or closes it and explains.
func (d *Dest) decrypt(rc io.ReadCloser, what string) (io.ReadCloser, error) {
	pr, err := d.c.DecryptReader(rc)
	if err != nil {
		rc.Close()
		return nil, d.readErr(what, err)
	}
	return &readErrs{rc: pr, src: rc, d: d, what: what}, nil
}

// readErr explains a decryption failure; a broken read passes unchanged.
func (d *Dest) readErr(what string, err error) error {
	switch {
	case errors.Is(err, ErrWrongKey), errors.Is(err, ErrNotEncrypted), errors.Is(err, ErrTruncated):
		return storage.NewError(storage.ErrDamaged, fmt.Sprintf("%s: %s", d.label, what), err)
	}
	return err
}

type readErrs struct {
	rc   io.ReadCloser
	src  io.Reader // the ciphertext as the destination gave it
	d    *Dest
	what string
}

// Note passes on the destination's note of the ciphertext it gave
// (storage.Noter: Google Drive's acknowledgeAbuse).
func (r *readErrs) Note() string { return storage.NoteOf(r.src) }

func (r *readErrs) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if err != nil && err != io.EOF {
		err = r.d.readErr(r.what, err)
	}
	return n, err
}

func (r *readErrs) Close() error { return r.rc.Close() }

// ReadManifest reads and decrypts a version's manifest. One that does not
// decrypt fails with storage.ErrAuth.
func (d *Dest) ReadManifest(ctx context.Context, version string) ([]byte, error) {
	if err := storage.ValidateName(version); err != nil {
		return nil, err
	}
	b, err := d.d.ReadManifest(ctx, d.c.EncryptSegment(version))
	if err != nil {
		return nil, err
	}
	plain, err := d.c.Open(b)
	if err != nil {
		if errors.Is(err, ErrWrongKey) {
			return nil, storage.NewError(storage.ErrAuth, fmt.Sprintf("%s: the manifest of %s does not decrypt with the encryption password (a wrong password, or a damaged manifest)", d.label, version), err)
		}
		return nil, fmt.Errorf("%s: the manifest of %s: %w", d.label, version, err)
	}
	return plain, nil
}

// ListFiles lists a version's files in clear with their plaintext sizes
// and the destination's hashes of the ciphertext (marked with HashSuffix),
// sorted by path. A file whose name does not decrypt is listed as it is,
// so verify reports it.
func (d *Dest) ListFiles(ctx context.Context, version string) ([]storage.FileInfo, error) {
	var out []storage.FileInfo
	if err := d.WalkFiles(ctx, version, func(f storage.FileInfo) error { out = append(out, f); return nil }); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b storage.FileInfo) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// WalkFiles hands fn a version's files in clear, one at a time, as
// ListFiles lists them.
func (d *Dest) WalkFiles(ctx context.Context, version string, fn func(storage.FileInfo) error) error {
	if err := storage.ValidateName(version); err != nil {
		return err
	}
	err := storage.WalkFiles(ctx, d.d, d.c.EncryptSegment(version), func(f storage.FileInfo) error {
		if p, c := d.decryptName(f.Path); c == nameGood {
			f.Path = p
			if n, err := DecryptedSize(f.Size); err == nil {
				f.Size = n
			}
		}
		f.Hash = cipherHash(f.Hash)
		return fn(f)
	})
	if errors.Is(err, errors.ErrUnsupported) {
		return storage.NewError(storage.ErrInvalid, d.label+": cannot list a version's files", err)
	}
	return err
}

// ListChoices passes through: what can be chosen is not encrypted.
func (d *Dest) ListChoices(ctx context.Context, parent string) ([]storage.Choice, error) {
	ch, ok := d.d.(storage.Chooser)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	return ch.ListChoices(ctx, parent)
}

// Close closes the wrapped destination.
func (d *Dest) Close() error { return d.d.Close() }

// cipherHash marks a hash of the ciphertext.
func cipherHash(h storage.Hash) storage.Hash {
	if h.Algo != "" && !strings.HasSuffix(h.Algo, HashSuffix) {
		h.Algo += HashSuffix
	}
	return h
}

// encryptBody returns the encrypted form of exactly size bytes of r, and
// the progress to give the wrapped destination. An r that can seek and
// read at offsets (an open file) gives a body that can too, so the
// destination can send parts at once and retry them; its progress in
// ciphertext is told as plaintext. Any other r is read once, in order,
// and counted into progress as it is read.
func (d *Dest) encryptBody(r io.Reader, size int64, progress func(int64)) (io.Reader, int64, func(int64), error) {
	if ra, ok := r.(io.ReaderAt); ok && size > BlockDataSize {
		if s, ok := r.(io.Seeker); ok {
			if start, err := s.Seek(0, io.SeekCurrent); err == nil {
				f, err := d.c.newSealedFile(ra, start, size)
				if err != nil {
					return nil, 0, nil, err
				}
				return f, f.esize, plainProgress(progress, size), nil
			}
		}
	}
	src := io.LimitReader(r, size)
	if progress != nil {
		src = &counting{r: src, fn: progress}
	}
	er, err := d.c.encryptReader(src, size)
	if err != nil {
		return nil, 0, nil, err
	}
	return er, EncryptedSize(size), nil, nil
}

type counting struct {
	r  io.Reader
	fn func(int64)
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.fn(int64(n))
	}
	return n, err
}

// plainResult turns the wrapped destination's result into the plaintext's.
func plainResult(res storage.PutResult, size int64) storage.PutResult {
	return storage.PutResult{Size: size, Hash: cipherHash(res.Hash)}
}

type pending struct {
	p    storage.Pending
	d    *Dest
	name string
}

func (p *pending) Name() string { return p.name }

func (p *pending) Put(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if err := validNew(path); err != nil {
		return storage.PutResult{}, err
	}
	if size < 0 {
		return storage.PutResult{}, storage.NewError(storage.ErrInvalid, fmt.Sprintf("%s: negative size", path), nil)
	}
	body, n, inner, err := p.d.encryptBody(r, size, progress)
	if err != nil {
		return storage.PutResult{}, err
	}
	res, err := p.p.Put(ctx, p.d.c.EncryptPath(path), body, n, inner)
	if err != nil {
		return storage.PutResult{}, err
	}
	return plainResult(res, size), nil
}

func (p *pending) Commit(ctx context.Context, manifest []byte, info storage.VersionInfo) error {
	sealed, err := p.d.c.Seal(manifest)
	if err != nil {
		return err
	}
	info.Name = p.p.Name()
	return p.p.Commit(ctx, sealed, info)
}

func (p *pending) Abort(ctx context.Context) error { return p.p.Abort(ctx) }

// CopyFrom copies the ciphertext of a file of a committed version: it
// decrypts with the same keys wherever it is.
func (p *pending) CopyFrom(ctx context.Context, fromVersion, fromPath, toPath string, size int64) (storage.PutResult, error) {
	if err := storage.ValidateName(fromVersion); err != nil {
		return storage.PutResult{}, err
	}
	if err := storage.ValidatePath(fromPath); err != nil {
		return storage.PutResult{}, err
	}
	if err := validNew(toPath); err != nil {
		return storage.PutResult{}, err
	}
	c, ok := p.p.(storage.Copier)
	if !ok {
		return storage.PutResult{}, storage.NewError(storage.ErrNotFound, "the destination cannot copy files", errors.ErrUnsupported)
	}
	res, err := c.CopyFrom(ctx, p.d.c.EncryptSegment(fromVersion), p.d.c.EncryptPath(fromPath), p.d.c.EncryptPath(toPath), EncryptedSize(size))
	if err != nil {
		return storage.PutResult{}, err
	}
	return plainResult(res, size), nil
}

func (p *pending) MakeDir(ctx context.Context, dir string) error {
	if err := validNew(dir); err != nil {
		return err
	}
	return storage.MakeDir(ctx, p.p, p.d.c.EncryptPath(dir))
}

func (p *pending) RemoveDir(ctx context.Context, dir string) error {
	if err := storage.ValidatePath(dir); err != nil {
		return err
	}
	return storage.RemoveDir(ctx, p.p, p.d.c.EncryptPath(dir))
}

// validNew checks a path a file or folder is to be written at.
func validNew(p string) error {
	if err := storage.ValidatePath(p); err != nil {
		return err
	}
	if err := CheckNames(p); err != nil {
		return storage.NewError(storage.ErrInvalid, err.Error(), nil)
	}
	return nil
}

var (
	_ storage.Destination = (*Dest)(nil)
	_ storage.FileWalker  = (*Dest)(nil)
	_ storage.Chooser     = (*Dest)(nil)
	_ storage.FileStore   = (*Dest)(nil)
	_ storage.Pending     = (*pending)(nil)
	_ storage.Copier      = (*pending)(nil)
	_ storage.Folders     = (*pending)(nil)
)
