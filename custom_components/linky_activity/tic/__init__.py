"""Read the Linky customer output (TIC): framing, checksums, labels, decoding.

Pure Python, no Home Assistant. The modules, from bytes to meaning:

- `decoder`: `FrameDecoder` turns bytes into `frame.Frame`s of checked groups;
  `profile` settles the mode, phases and producer status over several frames;
  `protocol` feeds a decoder from an asyncio transport.
- `labels`, `checksum`, `horodate`: what the specifications say a group is;
  `line`: the serial settings of each mode.
- `reading`: `reading_from_frame` gives a typed `MeterReading`, helped by
  `tariff`, `status` (STGE), `address` (ADCO/ADSC) and `schedule`.
- `guard`: `IndexGuard` keeps implausible energy indexes out.
- `encoder`: builds groups and frames as a meter sends them.
- `memo`: the dictionary that computes what it lacks, behind the hot paths.
"""
