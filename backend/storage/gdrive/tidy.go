package gdrive

import (
	"context"
	"slices"
	"sync/atomic"

	"google.golang.org/api/drive/v3"
)

// A request Drive carried out after the client gave up on it (a lost
// answer, a timeout while the server was slow) can leave a second folder
// or file of the same name: Drive has no idempotent create. Reads cope (the
// index merges folders and takes the newest file), and before a version
// that saw such retries is committed, tidy makes its tree clean again.

// suspectKey carries, in a context, the flag of the pending place whose
// requests are being made.
type suspectKey struct{}

// withSuspect returns ctx carrying flag, which do sets when a request of
// this context was sent more than once.
func withSuspect(ctx context.Context, flag *atomic.Bool) context.Context {
	return context.WithValue(ctx, suspectKey{}, flag)
}

// markSuspect sets the flag ctx carries, if any.
func markSuspect(ctx context.Context) {
	if f, ok := ctx.Value(suspectKey{}).(*atomic.Bool); ok {
		f.Store(true)
	}
}

// tidy leaves one folder and one file per path in the pending place.
func (p *pending) tidy(ctx context.Context) error {
	return p.tidyFolder(ctx, p.id, "")
}

func (p *pending) tidyFolder(ctx context.Context, id, prefix string) error {
	kids, err := p.d.listAll(ctx, "tidy "+prefix, inFolder(id), "id,name,mimeType,createdTime")
	if err != nil {
		return err
	}
	oldestFirst(kids)
	folders, files := map[string][]*drive.File{}, map[string][]*drive.File{}
	var order []string
	for _, k := range kids {
		if k.MimeType == folderMime {
			if len(folders[k.Name]) == 0 {
				order = append(order, k.Name)
			}
			folders[k.Name] = append(folders[k.Name], k)
		} else {
			files[k.Name] = append(files[k.Name], k)
		}
	}
	for name, fs := range files {
		if len(fs) > 1 {
			p.keepOneFile(ctx, prefix+name, fs)
		}
	}
	for _, name := range order {
		keep, err := p.mergeFolders(ctx, folders[name], prefix+name)
		if err != nil {
			return err
		}
		if err := p.tidyFolder(ctx, keep, prefix+name+"/"); err != nil {
			return err
		}
	}
	return nil
}

// keepOneFile keeps the file of path this value put last (or the newest)
// and removes the others.
func (p *pending) keepOneFile(ctx context.Context, path string, fs []*drive.File) {
	p.mu.Lock()
	keep := p.files[path]
	p.mu.Unlock()
	if keep == "" {
		keep = fs[len(fs)-1].Id
	}
	for _, f := range fs {
		if f.Id != keep {
			p.d.remove(ctx, f.Id, "tidy "+path, false)
		}
	}
	p.mu.Lock()
	p.files[path] = keep
	p.mu.Unlock()
}

// mergeFolders leaves one of several folders of one path: the one holding
// the most, with the contents of the others moved into it.
func (p *pending) mergeFolders(ctx context.Context, fs []*drive.File, path string) (string, error) {
	if len(fs) == 1 {
		return fs[0].Id, nil
	}
	contents := make([][]*drive.File, len(fs))
	best := 0
	for i, f := range fs {
		var err error
		if contents[i], err = p.d.listAll(ctx, "tidy "+path, inFolder(f.Id), "id"); err != nil {
			return "", err
		}
		if len(contents[i]) > len(contents[best]) {
			best = i
		}
	}
	keep := fs[best].Id
	for i, f := range fs {
		if i == best {
			continue
		}
		for _, c := range contents[i] {
			if err := p.d.move(ctx, c.Id, f.Id, keep); err != nil {
				return "", err
			}
		}
		if err := p.d.remove(ctx, f.Id, "tidy "+path, false); err != nil {
			return "", err
		}
	}
	p.mu.Lock()
	p.dirs[path] = keep
	p.mu.Unlock()
	return keep, nil
}

// move puts item id from folder from into folder to, keeping its name.
func (d *Dest) move(ctx context.Context, id, from, to string) error {
	return d.reparent(ctx, id, from, to, "", "move into a merged folder")
}

// reparent moves item id from folder from into folder to and renames it
// to name (unless name is ""), in one files.update: the same item, so no
// new file and no quota. A retry first checks whether an earlier attempt
// did it.
func (d *Dest) reparent(ctx context.Context, id, from, to, name, what string) error {
	return d.do(ctx, what, metaCall, func(ctx context.Context, again bool) error {
		if again {
			f, err := d.svc.Files.Get(id).SupportsAllDrives(true).Fields("name,parents").Context(ctx).Do()
			if err != nil || (slices.Contains(f.Parents, to) && (name == "" || f.Name == name)) {
				return err
			}
		}
		c := d.svc.Files.Update(id, &drive.File{Name: name}).SupportsAllDrives(true).Fields("id")
		if from != to {
			c.AddParents(to).RemoveParents(from)
		}
		_, err := c.Context(ctx).Do()
		return err
	})
}
