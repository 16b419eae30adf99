// antibody-mediated-diseases-for-target
// Antibody-mediated diseases with cell-therapy evidence for a target, one row per evidence.
// :param target => 'BCMA'
MATCH (t:Target)
WHERE toLower(t.id) = toLower($target) OR toLower(t.name) = toLower($target)
   OR toLower($target) IN [s IN coalesce(t.synonyms, []) | toLower(s)]
MATCH (p:Product)-[:TARGETS]->(t)
MATCH (e:Evidence)-[:ABOUT_PRODUCT]->(p)
MATCH (e)-[:IN_DISEASE]->(d:Disease {antibody_mediated: true})
MATCH (e)-[:REPORTED_IN]->(s:Source)
RETURN DISTINCT d.name AS disease, d.id AS disease_id, t.name AS target, p.name AS product,
       e.level AS level, e.patients AS patients, e.follow_up_months AS follow_up_months,
       s.id AS source, e.id AS evidence
ORDER BY disease, product, source, evidence
