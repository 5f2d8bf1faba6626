"""Bank transfers by VietQR code, matched against the bank statement."""
