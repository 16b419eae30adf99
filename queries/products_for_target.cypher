// products-for-target
// Products against a target and the diseases they were tried in: published evidence and registered trials.
// :param target => 'CD19'
MATCH (t:Target)
WHERE toLower(t.id) = toLower($target) OR toLower(t.name) = toLower($target)
   OR toLower($target) IN [s IN coalesce(t.synonyms, []) | toLower(s)]
MATCH (p:Product)-[:TARGETS]->(t)
OPTIONAL MATCH (p)-[:HAS_MODALITY]->(m:Modality)
CALL (p) {
  MATCH (e:Evidence)-[:ABOUT_PRODUCT]->(p)
  MATCH (e)-[:IN_DISEASE]->(d:Disease)
  MATCH (e)-[:REPORTED_IN]->(s:Source)
  RETURN d.name AS disease, 'evidence' AS kind, e.level AS level, e.patients AS patients, s.id AS source
  UNION
  MATCH (st:Study)-[:STUDIES_PRODUCT]->(p)
  MATCH (st)-[:STUDIES_CONDITION]->(d:Disease)
  RETURN d.name AS disease, 'trial' AS kind, st.phase AS level, null AS patients, st.id AS source
}
RETURN DISTINCT p.name AS product, m.name AS modality, disease, kind, level, patients, source
ORDER BY product, disease, kind, source
