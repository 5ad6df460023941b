package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
)

func cmdNotify(ctx context.Context, c *call) error {
	sub, rest := splitSub(c.args)
	c.args = rest
	switch sub {
	case "list", "ls":
		return notifyList(ctx, c)
	case "add":
		return notifyAdd(ctx, c)
	case "test":
		return notifyTest(ctx, c)
	case "rm", "delete":
		return notifyRm(ctx, c)
	}
	return usagef("want 'notify list', 'notify add', 'notify test NAME|ID' or 'notify rm NAME|ID'")
}

func notifyList(ctx context.Context, c *call) error {
	if _, err := c.parse(c.flags("notify list"), c.args); err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	list, err := svc.ListChannels()
	if err != nil {
		return err
	}
	return c.print(service.ListOf(list, service.ChannelOf), func(w io.Writer) {
		rows := make([][]string, 0, len(list))
		for _, ch := range list {
			when := make([]string, len(ch.When))
			for i, e := range ch.When {
				when[i] = string(e)
			}
			to := ch.URLHost
			if ch.Kind == job.ChannelEmail {
				to = strings.Join(ch.To, ", ")
			}
			state := "never sent"
			switch {
			case ch.Disabled:
				state = "off"
			case ch.LastError != "" && ch.LastErrorAt != nil:
				state = "failed " + ch.LastErrorAt.Local().Format("2 Jan 15:04") + ": " + ch.LastError
			case ch.LastSentAt != nil:
				state = "sent " + ch.LastSentAt.Local().Format("2 Jan 15:04")
			}
			rows = append(rows, []string{ch.Name, string(ch.Kind), strings.Join(when, ","), to, state, ch.ID})
		}
		table(w, []string{"NAME", "KIND", "WHEN", "TO", "LAST", "ID"}, rows)
	})
}

func notifyAdd(ctx context.Context, c *call) error {
	fs := c.flags("notify add")
	var ch job.Channel
	fs.StringVar(&ch.Name, "name", "", "a name for the channel")
	fs.Func("kind", "email, slack, discord, ntfy or webhook", func(v string) error { ch.Kind = job.ChannelKind(v); return nil })
	when := fs.String("when", "", "occasions, comma-separated: failed, partial, succeeded, stale (default failed,partial,stale)")
	fs.StringVar(&ch.SMTPHost, "smtp-host", "", "email: the mail server")
	fs.IntVar(&ch.SMTPPort, "smtp-port", 0, "email: its port (default 587, or 465 with --smtp-security tls)")
	fs.StringVar(&ch.SMTPSecurity, "smtp-security", "", "email: starttls (default) or tls")
	fs.StringVar(&ch.Username, "user", "", "email: the login name (the password comes with --secret-stdin)")
	fs.StringVar(&ch.From, "from", "", "email: the sender address")
	to := fs.String("to", "", "email: recipient addresses, comma-separated")
	token := fs.Bool("token-stdin", false, "ntfy: read an access token from the second line of standard input")
	fromStdin := fs.Bool("secret-stdin", false, "read the secret from standard input: the URL (slack, discord, ntfy, webhook) or the SMTP password (email)")
	if _, err := c.parse(fs, c.args); err != nil {
		return err
	}
	if *when != "" {
		for _, e := range strings.Split(*when, ",") {
			ch.When = append(ch.When, job.ChannelEvent(strings.TrimSpace(e)))
		}
	}
	if *to != "" {
		ch.To = []string{*to}
	}
	if *fromStdin || *token {
		r := bufio.NewReader(c.env.Stdin)
		read := func() string {
			line, _ := r.ReadString('\n')
			return strings.TrimSpace(line)
		}
		if *fromStdin {
			if ch.Kind == job.ChannelEmail {
				ch.Password = read()
			} else {
				ch.URL = read()
			}
		}
		if *token {
			ch.Token = read()
		}
	} else if ch.Kind != job.ChannelEmail {
		return usagef("give the %s URL on standard input with --secret-stdin (it carries the channel's token: never on the command line, where other users can see it)", ch.Kind)
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	saved, err := svc.SaveChannel(ch)
	if err != nil {
		return err
	}
	return c.print(service.ChannelOf(saved), func(w io.Writer) { fmt.Fprintf(w, "added channel %s (%s)\n", saved.Name, saved.ID) })
}

func notifyTest(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("notify test"), c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want 'notify test NAME|ID'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	ch, err := svc.FindChannel(pos[0])
	if err != nil {
		return err
	}
	start := time.Now()
	if err := svc.TestChannel(ctx, ch.ID); err != nil {
		return err
	}
	result := map[string]any{"channel": ch.Name, "ok": true, "seconds": time.Since(start).Seconds()}
	return c.print(result, func(w io.Writer) {
		fmt.Fprintf(w, "sent a test message to %s in %.1f s\n", ch.Name, time.Since(start).Seconds())
	})
}

func notifyRm(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("notify rm"), c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want 'notify rm NAME|ID'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	ch, err := svc.FindChannel(pos[0])
	if err != nil {
		return err
	}
	if err := svc.DeleteChannel(ch.ID); err != nil {
		return err
	}
	return c.print(map[string]string{"deleted": ch.ID}, func(w io.Writer) { fmt.Fprintf(w, "deleted channel %s\n", ch.Name) })
}
