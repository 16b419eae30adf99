// prior-therapies-in-disease
// Therapies patients had received before cell therapy in a disease (and its subtypes).
// :param disease => 'immune-mediated necrotizing myopathy'
MATCH (root:Disease)
WHERE toLower(root.id) = toLower($disease) OR toLower(root.name) = toLower($disease)
   OR toLower($disease) IN [s IN coalesce(root.synonyms, []) | toLower(s)]
MATCH (d:Disease)-[:IS_A*0..]->(root)
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
MATCH (e)-[:HAS_PRIOR_THERAPY]->(th:Therapy)
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
MATCH (e)-[:REPORTED_IN]->(s:Source)
RETURN DISTINCT th.name AS therapy,
       COLLECT { MATCH (th)-[:IS_A]->(c:Therapy) RETURN c.name ORDER BY c.name } AS therapy_class,
       d.name AS disease, p.name AS product, e.level AS level, e.patients AS patients, s.id AS source,
       e.id AS evidence
ORDER BY therapy, disease, product, source, evidence
