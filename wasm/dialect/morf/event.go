package morf

import (
	"strings"
	"unicode"
)

// EventTypeVariable is the variable Morf's filters read the trigger's
// event type from, beside the payload's fields.
const EventTypeVariable = "morf_event_type"

// EventTypeNote says what Morf's documentation shows of morf_event_type
// and what Fieldbook assumes of it; the dialect page, completion and the
// workflow run say it in these words.
const EventTypeNote = "The trigger's event type. Morf's docs read it in filters (morf_event_type.contains(\"SCHEDULED\")) " +
	"but never show its value; Fieldbook assumes the event type's name in upper snake case: " +
	"HEALTHIE_APPOINTMENT_SCHEDULED for Healthie Appointment Scheduled."

// EventType is the value Fieldbook gives morf_event_type for an event
// type's name, as EventTypeNote says: its words in upper case, joined by
// underscores.
func EventType(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.ToUpper(strings.Join(words, "_"))
}
