package notify

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// EventTest is a message sent by hand to check a channel.
const EventTest Event = "avault.test"

// ForTest returns the message a channel's "Send a test" button sends.
func ForTest(channelName string, now time.Time) Message {
	return Message{
		Event: EventTest, Urgency: UrgencyNormal, Time: now,
		Title: "Avault test message",
		Body:  "This is a test from Avault. Notifications of channel \u201c" + channelName + "\u201d arrive here.",
	}
}

// NewSlack returns a Notifier that posts to a Slack incoming webhook
// (https://hooks.slack.com/services/...), in Slack's message format: a
// text for notifications and a header and section block for the channel.
func NewSlack(o WebhookOptions) (*Webhook, error) { return newPoster(o, "Slack", encodeSlack) }

// NewDiscord returns a Notifier that posts to a Discord channel webhook
// (https://discord.com/api/webhooks/...), as one embed coloured by
// outcome. Mentions in the text are not acted on.
func NewDiscord(o WebhookOptions) (*Webhook, error) { return newPoster(o, "Discord", encodeDiscord) }

// NtfyOptions configure an ntfy channel: WebhookOptions.URL is the topic
// URL (https://ntfy.sh/mytopic or a server of one's own).
type NtfyOptions struct {
	WebhookOptions
	// Token is an access token, sent as a bearer token; optional.
	Token string
}

// NewNtfy returns a Notifier that publishes to an ntfy topic: the body is
// the message, and the title, priority and tags are headers chosen by
// outcome (a failure is high priority with an ✗ tag, a success low with a
// check mark).
func NewNtfy(o NtfyOptions) (*Webhook, error) {
	if o.Token != "" {
		o.Header = o.Header.Clone()
		if o.Header == nil {
			o.Header = http.Header{}
		}
		o.Header.Set("Authorization", "Bearer "+o.Token)
	}
	return newPoster(o.WebhookOptions, "ntfy", encodeNtfy)
}

// slackEscape escapes the three characters Slack's text format gives a
// meaning to.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// cut shortens s to at most n runes, marking a cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func encodeSlack(w *Webhook, m Message) ([]byte, http.Header, error) {
	p := w.payload(m)
	type text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type block struct {
		Type     string `json:"type"`
		Text     *text  `json:"text,omitempty"`
		Elements []text `json:"elements,omitempty"`
	}
	blocks := []block{{Type: "header", Text: &text{Type: "plain_text", Text: cut(p.Title, 150)}}}
	if p.Message != "" {
		blocks = append(blocks, block{Type: "section", Text: &text{Type: "plain_text", Text: cut(p.Message, 3000)}})
	}
	blocks = append(blocks, block{Type: "context", Elements: []text{{Type: "mrkdwn", Text: slackEscape(footer(p))}}})
	body, err := json.Marshal(struct {
		Text   string  `json:"text"`
		Blocks []block `json:"blocks"`
	}{Text: slackEscape(p.Title + "\n" + p.Message), Blocks: blocks})
	return body, jsonHeader(), err
}

// footer names the sender, the job and the time of a message.
func footer(p Payload) string {
	parts := []string{"Avault"}
	if p.Status != "" {
		parts = append(parts, string(p.Status))
	}
	return strings.Join(append(parts, p.Timestamp.Local().Format("2 Jan 2006 15:04")), " · ")
}

// Discord's embed colours by event.
var discordColour = map[Event]int{
	EventFailed: 0xdc2626, EventPartial: 0xf59e0b, EventSucceeded: 0x16a34a, EventStale: 0xf97316,
}

func encodeDiscord(w *Webhook, m Message) ([]byte, http.Header, error) {
	p := w.payload(m)
	colour, ok := discordColour[p.Event]
	if !ok {
		colour = 0x2563eb
	}
	type embed struct {
		Title       string            `json:"title"`
		Description string            `json:"description,omitempty"`
		Color       int               `json:"color"`
		Timestamp   string            `json:"timestamp"`
		Footer      map[string]string `json:"footer"`
	}
	body, err := json.Marshal(struct {
		Username        string              `json:"username"`
		Embeds          []embed             `json:"embeds"`
		AllowedMentions map[string][]string `json:"allowed_mentions"`
	}{
		Username: "Avault",
		Embeds: []embed{{Title: cut(p.Title, 256), Description: cut(p.Message, 4096), Color: colour,
			Timestamp: p.Timestamp.Format(time.RFC3339), Footer: map[string]string{"text": footer(p)}}},
		AllowedMentions: map[string][]string{"parse": {}},
	})
	return body, jsonHeader(), err
}

// ntfy's priority (1 min … 5 max) and tags (emoji short codes) by event.
var ntfyLook = map[Event]struct {
	priority string
	tag      string
}{
	EventFailed: {"4", "x"}, EventPartial: {"3", "warning"}, EventSucceeded: {"2", "white_check_mark"},
	EventStale: {"4", "hourglass"}, EventTest: {"3", "bell"},
}

func encodeNtfy(w *Webhook, m Message) ([]byte, http.Header, error) {
	p := w.payload(m)
	look, ok := ntfyLook[p.Event]
	if !ok {
		look.priority, look.tag = "3", "floppy_disk"
	}
	h := http.Header{
		"Content-Type": {"text/plain; charset=utf-8"},
		// Header values are ASCII on the wire: other text is sent
		// encoded as RFC 2047 says, which ntfy decodes.
		"Title":    {mime.QEncoding.Encode("utf-8", p.Title)},
		"Priority": {look.priority},
		"Tags":     {look.tag + ",avault"},
	}
	msg := p.Message
	if msg == "" {
		msg = p.Title
	}
	return []byte(msg), h, nil
}
