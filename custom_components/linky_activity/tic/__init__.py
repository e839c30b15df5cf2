"""Read the Linky customer output (TIC): framing, checksums, labels, decoding."""
