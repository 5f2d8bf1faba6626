"""VNPay payment gateway plugin."""
