"""The customer-success assistant: plain-English questions in, governed and explained answers out."""
