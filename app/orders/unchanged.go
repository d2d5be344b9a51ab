package orders

import "github.com/storefront/storefront/models"

// Unchanged reports whether applying ch to o would change nothing: the state machine does not move and there
// is no charge or dispute id to record. Apply would then write nothing, so a caller that has read o in its
// transaction may skip it (and the order's lock and items): most repeated or late Stripe events are such.
func Unchanged(o models.Order, ch Change) bool {
	_, moved := Next(State{Status: o.Status, LastPIEventAt: o.LastPIEventAt, RefundedAmount: o.RefundedAmount,
		Total: o.Total, DisputeStatus: deref(o.DisputeStatus)}, ch.Event)
	return !moved && (ch.ChargeID == "" || deref(o.ChargeID) != "") && ch.DisputeID == ""
}
