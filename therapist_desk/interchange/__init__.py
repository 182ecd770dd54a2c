"""The interchange format: one documented, versioned JSON format for `export` and `import`.

`format` holds the JSON Schemas and the version tags, `exporting` writes a document,
`importing` checks one and adds its records all or nothing, `clinical` carries the
clinical record both ways.
"""
