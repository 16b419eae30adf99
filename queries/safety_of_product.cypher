// safety-of-product
// Safety outcomes (adverse events, present or explicitly absent) of a product across diseases.
// :param product => 'CT103A'
MATCH (p:Product)
WHERE toLower(p.id) = toLower($product) OR toLower(p.name) = toLower($product)
   OR toLower($product) IN [s IN coalesce(p.synonyms, []) | toLower(s)]
MATCH (e:Evidence)-[:ABOUT_PRODUCT]->(p)
MATCH (e)-[:IN_DISEASE]->(d:Disease)
MATCH (e)-[:REPORTED_IN]->(s:Source)
MATCH (e)-[r:REPORTED_OUTCOME]->(o:AdverseEvent)
RETURN DISTINCT p.name AS product, d.name AS disease, coalesce(o.abbreviation, o.name) AS event,
       r.present AS present, r.grade AS grade, r.max_grade AS max_grade, r.patients AS affected,
       e.patients AS treated, e.level AS level, s.id AS source, e.id AS evidence
ORDER BY disease, event, source, evidence
