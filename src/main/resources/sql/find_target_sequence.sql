-- The target sequence that feeds a column (serial or identity): a table recreated on the
-- target after restore pre-data owns a sequence of its own, which pg_get_serial_sequence
-- names. Null when the table or column is missing, or the column has no sequence.
-- Parameters: table (quoted qualified name), column (plain name), twice.
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                          WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attname = ? AND NOT a.attisdropped)
            THEN pg_catalog.pg_get_serial_sequence(?, ?) END AS sequence_name,
       pg_catalog.to_regclass(?) IS NOT NULL AS same_name_exists
