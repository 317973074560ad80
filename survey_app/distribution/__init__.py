"""Distribution: contacts import, wave audiences and schedules, message templates, the outbox and its
senders, the scheduler, the post-call API support and the per-wave funnel. See docs/distribution.md."""
