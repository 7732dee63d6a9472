/** The Audit log screen's messages in Chinese (`audit.*` in the catalogue), and the error codes it shows. */
export const auditZhCN = {
  title: '审计日志',
};

/** Error codes (problem+json `code`) this screen's actions may meet: `errors.<code>`. */
export const auditErrorsZhCN = {};
