"""Specify the detection package: features, model, night baseline, fusion."""
