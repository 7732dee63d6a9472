/** The Approvals screen's messages in Chinese (`approvals.*` in the catalogue), and the error codes it shows. */
export const approvalsZhCN = {
  title: '审批',
};

/** Error codes (problem+json `code`) this screen's actions may meet: `errors.<code>`. */
export const approvalsErrorsZhCN = {};
