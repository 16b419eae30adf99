// evidence-for-disease
// All cell-therapy evidence for a disease and its subtypes (MONDO is-a), one row per evidence.
// :param disease => 'myasthenia gravis'
MATCH (root:Disease)
WHERE toLower(root.id) = toLower($disease) OR toLower(root.name) = toLower($disease)
   OR toLower($disease) IN [s IN coalesce(root.synonyms, []) | toLower(s)]
MATCH (d:Disease)-[:IS_A*0..]->(root)
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
MATCH (e)-[:REPORTED_IN]->(s:Source)
RETURN DISTINCT d.name AS disease, p.name AS product,
       COLLECT { MATCH (p)-[:TARGETS]->(t:Target) RETURN t.name ORDER BY t.name } AS targets,
       e.level AS level, e.patients AS patients, e.follow_up_months AS follow_up_months,
       COLLECT {
         MATCH (e)-[r:REPORTED_OUTCOME]->(o:Outcome)
         WITH coalesce(o.abbreviation, o.name) AS name, r
         RETURN CASE WHEN r.present = false THEN 'no ' + name
                     WHEN r.grade IS NULL THEN name
                     WHEN r.max_grade IS NULL THEN name + ' grade ' + toString(r.grade)
                     ELSE name + ' grade ' + toString(r.grade) + '-' + toString(r.max_grade) END AS label
         ORDER BY label
       } AS outcomes,
       s.id AS source, e.id AS evidence
ORDER BY disease, product, source, evidence
