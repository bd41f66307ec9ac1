"""What other apps may react to in a gift's life, without donations knowing them.

`gift_paid` is sent by `Donation.mark_paid` inside the transaction that marks
the gift paid, after its totals have changed at every level, with
`sender=Donation` and `donation=<the Donation, locked, status paid>`, its
page already read as its own type (`donation.page`: a fundraiser page or a
campaign, read once by `mark_paid`; use it rather than reading it again). A
receiver that writes rows does so in that transaction (it commits with the
gift or not at all); one that sends email or queues work does it with
`transaction.on_commit`.
"""

from django.dispatch import Signal

gift_paid = Signal()
