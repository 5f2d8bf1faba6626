"""Fee invoices, payments through gateway plugins, callbacks, reconciliation, receipts and refunds."""
