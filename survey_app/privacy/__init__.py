"""Personal-data protection (개인정보 보호법, 안전성 확보조치 기준): encryption, masking, access log, retention.

- ``crypto``: AES-GCM encryption at rest, keyed lookup hashes, the key ring from configuration.
- ``masking``: pure masking helpers for screens and exports.
- ``contacts``: the only code that writes or reads contacts' personal fields.
- ``access_log``: the append-only record of every access to personal data.
- ``retention``: purging or anonymising contacts when their purpose ends.
"""
