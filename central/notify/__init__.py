"""SMS notifications (DESIGN §12): the message text, the gateway seam, and the outbox sender.

`messages` (pure: the Thai text of each event), `gateway` (the one seam to an SMS provider: an
HTTP JSON gateway), `sender` (claims due outbox rows and delivers them, with retries), and
`fake_gateway` (a real loopback HTTP gateway for tests and the demo). The outbox rows themselves
are written by the store, in the transaction of the change they announce
(`central.store.notifications`).
"""
