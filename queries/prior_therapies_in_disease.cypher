// prior-therapies-in-disease
// Therapies patients had received before cell therapy in a disease (and its subtypes): per therapy,
// disease and product, the distinct patients of the reports that name it.
// :param disease => 'cellkg:disease-immune-mediated-necrotizing-myopathy'
MATCH (root:Disease {id: $disease})
WITH root
MATCH (d:Disease)-[:IS_A*0..]->(root)
WITH DISTINCT d
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
WITH d, e
MATCH (e)-[:HAS_PRIOR_THERAPY]->(th:Therapy)
WITH d, e, th
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH d, e, th, p
MATCH (e)-[:REPORTS_COHORT]->(c:Cohort)
WITH d, e, th, p, c
MATCH (e)-[:REPORTED_IN]->(s:Source)
WITH th, d, p, collect(DISTINCT c.id) AS ids, count(DISTINCT e) AS reports, collect(DISTINCT s.id) AS sources,
     collect(DISTINCT e.id) AS evidence
OPTIONAL MATCH (th)-[:IS_A]->(cls:Therapy)
WITH th, d, p, ids, reports, sources, evidence, collect(DISTINCT cls.name) AS therapy_class
UNWIND ids AS cid
MATCH (c:Cohort {id: cid})
WHERE NOT EXISTS { MATCH (c)-[:PART_OF*1..]->(big:Cohort) WHERE big.id IN ids }
RETURN th.name AS therapy, therapy_class, d.name AS disease, p.name AS product,
       CASE WHEN count(c.patients) = 0 THEN null ELSE sum(c.patients) END AS patients, reports, sources, evidence
ORDER BY therapy, disease, product
